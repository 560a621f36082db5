"""Admin HTTP endpoint (loopback, plain HTTP) so shells and non-Python tests can drive the fakes.

GET  /info                      the launcher's JSON line
GET  /requests[?server=NAME]    request log            DELETE /requests   clear it
GET  /faults                    pending faults          POST /faults {server, kind, count, ...}   DELETE /faults
POST /faults/release {id?}      let requests held by a `hold` fault (every one without id) answer
POST /latency {ms, server?}     fixed added latency
POST /tokens/expire             every token issued so far is expired from now on
POST /tokens/lifetime {seconds} lifetime of tokens issued from now on (null: real defaults)
POST /service-account-token {namespace, service_account, audience?, lifetime_seconds?, issuer?} -> {token}
GET  /ca.pem                    the test CA
"""
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
import threading


class AdminServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fa):
        self.fa = fa
        super().__init__(("127.0.0.1", 0), _AdminHandler)

    @property
    def port(self):
        return self.server_address[1]

    def start(self):
        t = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.2}, name="fakeazure-admin",
                             daemon=True)
        t.start()
        return t

    def stop(self):
        self.shutdown()
        self.server_close()


class _AdminHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _reply(self, status, obj=None, raw: bytes | None = None, ctype="application/json"):
        body = raw if raw is not None else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(n) or b"{}") if n else {}

    def do_GET(self):
        fa = self.server.fa
        u = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        if u.path == "/info":
            return self._reply(200, fa.info())
        if u.path == "/requests":
            return self._reply(200, fa.requests(q.get("server")))
        if u.path == "/faults":
            return self._reply(200, fa.faults.snapshot())
        if u.path == "/ca.pem":
            with open(fa.ca_bundle, "rb") as f:
                return self._reply(200, raw=f.read(), ctype="application/x-pem-file")
        return self._reply(404, {"error": "not found"})

    def do_DELETE(self):
        fa = self.server.fa
        path = urlsplit(self.path).path
        if path == "/requests":
            fa.clear_requests()
            return self._reply(200, {})
        if path == "/faults":
            fa.clear_faults()
            return self._reply(200, {})
        return self._reply(404, {"error": "not found"})

    def do_POST(self):
        fa = self.server.fa
        path = urlsplit(self.path).path
        try:
            body = self._body()
            if path == "/faults":
                server, kind = body.pop("server"), body.pop("kind")
                count = body.pop("count", 1)
                return self._reply(200, {"id": fa.inject(server, kind, count, **body)})
            if path == "/faults/release":
                fa.release(body.get("id"))
                return self._reply(200, {})
            if path == "/requests/clear":
                fa.clear_requests()
                return self._reply(200, {})
            if path == "/latency":
                fa.set_latency(int(body.get("ms", 0)), body.get("server"))
                return self._reply(200, {})
            if path == "/tokens/expire":
                fa.expire_tokens()
                return self._reply(200, {})
            if path == "/tokens/lifetime":
                fa.set_token_lifetime(body.get("seconds"))
                return self._reply(200, {})
            if path == "/service-account-token":
                tok = fa.mint_service_account_token(body["namespace"], body["service_account"],
                                                    body.get("audience", "api://AzureADTokenExchange"),
                                                    int(body.get("lifetime_seconds", 3600)), body.get("issuer"))
                return self._reply(200, {"token": tok})
        except (KeyError, ValueError, TypeError) as exc:
            return self._reply(400, {"error": str(exc)})
        return self._reply(404, {"error": "not found"})
