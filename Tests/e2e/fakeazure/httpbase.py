"""Shared HTTP(S) server plumbing for the fakes: threading, optional TLS, request log, fault injection.

Each fake implements `route(req) -> Response`; this module turns that into HTTP/1.1 with keep-alive and
applies latency/status/reset/truncate/hang faults around it, so every server behaves the same way.
"""
import json
import os
import select
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MAX_BODY = 1 << 20
DEBUG = bool(os.environ.get("FAKEAZURE_DEBUG"))
# Request headers the log keeps, so tests can check what a client sends. Authorization is special: only its
# scheme is kept (a token never reaches the log, nor anything a test prints).
LOGGED_HEADERS = ("user-agent", "x-ms-client-request-id", "x-ms-return-client-request-id", "content-type",
                  "metadata", "x-forwarded-for", "podname", "podns")


def logged_headers(headers) -> dict:
    """The LOGGED_HEADERS present (lower-case names), plus `authorization`: the scheme alone."""
    out = {name: headers.get(name) for name in LOGGED_HEADERS if headers.get(name) is not None}
    auth = headers.get("Authorization")
    if auth is not None:
        out["authorization"] = auth.strip().split(" ", 1)[0] or "(blank)"
    return out


@dataclass
class Request:
    method: str
    host: str            # Host header as sent (may include a port)
    path: str            # path with query, origin-form
    route: str           # path without query
    query: dict          # first value of each parameter
    headers: object      # http.client.HTTPMessage (case-insensitive)
    body: bytes
    client: tuple

    @property
    def hostname(self) -> str:
        return self.host.rsplit(":", 1)[0].lower() if not self.host.startswith("[") else self.host.lower()

    @property
    def port(self) -> int | None:
        h = self.host
        if ":" in h and not h.endswith("]"):
            try:
                return int(h.rsplit(":", 1)[1])
            except ValueError:
                return None
        return None

    def form(self) -> dict:
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True).items()}


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list = field(default_factory=list)
    content_type: str | None = None

    @classmethod
    def json(cls, status: int, obj, headers=None, content_type="application/json; charset=utf-8"):
        return cls(status, json.dumps(obj, separators=(",", ":")).encode(), list(headers or []), content_type)

    @classmethod
    def text(cls, status: int, text: str, headers=None):
        return cls(status, text.encode(), list(headers or []), "text/plain; charset=utf-8")


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, name: str, app, ctx, ssl_context: ssl.SSLContext | None = None, sock: socket.socket | None = None):
        """`sock`: an already listening socket to serve instead of a new one on 127.0.0.1 (e.g. one bound
        to 169.254.169.254:80 inside a network namespace)."""
        self.name = name          # "keyvault" | "entra" | "imds" | "nmi"
        self.app = app            # object with route(req) -> Response and fault_response(...)
        self.ctx = ctx            # shared state: faults, log, stop event
        self.ssl_context = ssl_context
        self._conns: set = set()
        self._conns_lock = threading.Lock()
        if sock is None:
            super().__init__(("127.0.0.1", 0), _Handler)
        else:
            super().__init__(sock.getsockname(), _Handler, bind_and_activate=False)
            self.socket.close()
            self.socket = sock
            self.server_address = sock.getsockname()
            self.server_name, self.server_port = self.server_address[:2]

    @property
    def port(self) -> int:
        return self.server_address[1]

    def process_request_thread(self, request, client_address):
        with self._conns_lock:
            self._conns.add(request)
        try:
            if self.ssl_context is not None:
                # Handshake in the connection's own thread, never in the accept loop.
                request.settimeout(10)
                try:
                    request = self.ssl_context.wrap_socket(request, server_side=True)
                except (ssl.SSLError, OSError):
                    self.shutdown_request(request)
                    return
                request.settimeout(None)
                with self._conns_lock:
                    self._conns.add(request)
            super().process_request_thread(request, client_address)
        finally:
            with self._conns_lock:
                self._conns.discard(request)

    def handle_error(self, request, client_address):
        if DEBUG:
            super().handle_error(request, client_address)

    def start(self) -> threading.Thread:
        t = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.2},
                             name=f"fakeazure-{self.name}", daemon=True)
        t.start()
        return t

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        with self._conns_lock:
            conns = list(self._conns)
        for c in conns:  # unblock keep-alive threads waiting for the next request
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakeazure"
    sys_version = ""
    timeout = 300  # idle keep-alive connections are dropped after this

    def setup(self):
        super().setup()
        # http.server writes the headers and the body in two sends; with Nagle on, the body waits for the
        # client's delayed ACK (about 40 ms on Linux) on every response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        if DEBUG:
            super().log_message(fmt, *args)

    def do_GET(self):
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def _serve(self):
        srv: FakeServer = self.server
        start = time.time()
        raw = self.path
        host = self.headers.get("Host", "")
        if raw.startswith(("http://", "https://")):  # absolute-form (a proxy forwarded it unchanged)
            parts = urlsplit(raw)
            host = host or parts.netloc
            raw = parts.path + ("?" + parts.query if parts.query else "")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            self._send(Response.text(413, "request too large"), srv, host, raw, start)
            return
        body = self.rfile.read(length) if length else b""
        split = urlsplit(raw)
        query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        req = Request(self.command, host, raw, split.path, query, self.headers, body, self.client_address)

        delay, fault = srv.ctx.faults.take(srv.name, self.command, host, raw)
        if delay > 0:
            srv.ctx.stopping.wait(delay)
        kind = fault["kind"] if fault else None
        if kind == "reset":
            self._log(srv, req, 0, start, "reset")
            self._reset()
            return
        if kind in ("huge", "chunked_endless"):
            self._stream_fault(srv, req, start, fault)
            return
        if kind == "hang" and not self._wait(srv, float(fault.get("seconds", 30))):
            self._client_gone(srv, req, start, fault)
            return
        if kind == "hold" and not self._hold(srv, fault["hold"]):
            self._client_gone(srv, req, start, fault)
            return
        if kind == "status":
            resp = srv.app.fault_response(req, fault)
        else:
            try:
                resp = srv.app.route(req)
            except Exception as exc:  # noqa: BLE001 - a bug in a fake must show up as a 500, not a hang
                if DEBUG:
                    import traceback
                    traceback.print_exc()
                resp = Response.text(500, f"fakeazure internal error: {exc!r}")
        if kind == "truncate":
            self._send(resp, srv, host, raw, start, truncate=True, req=req)
            return
        if kind == "reset_body":
            self._send(resp, srv, host, raw, start, truncate=True, req=req, fault="reset_body", rst=True)
            return
        self._send(resp, srv, host, raw, start, req=req, fault=kind)

    def _hold(self, srv, hold) -> bool:
        """Keeps the request unanswered until the test releases it (or the fakes stop). False when the client
        closed the connection meanwhile (nothing is answered then)."""
        hold.catch()
        while not hold.released.wait(0.05):
            if srv.ctx.stopping.is_set():
                return True
            if self._client_closed():
                return False
        return True

    def _wait(self, srv, seconds: float) -> bool:
        """Waits `seconds` (a hang); False as soon as the client closes the connection."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not srv.ctx.stopping.is_set():
            if self._client_closed():
                return False
            srv.ctx.stopping.wait(min(0.05, max(0.0, deadline - time.monotonic())))
        return True

    def _client_closed(self) -> bool:
        """True when the client has closed (or reset) its end: EOF, or a TLS alert record (close_notify), is
        waiting on the raw socket. Peeks below TLS, so nothing the client sent is consumed."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            head = socket.socket.recv(self.connection, 1, socket.MSG_PEEK)
        except (OSError, ValueError):
            return True
        return head == b"" or (self.server.ssl_context is not None and head == b"\x15")

    def _client_gone(self, srv, req, start, fault):
        """Logs a request whose client left before the answer (status 0, `client_closed`), and counts it."""
        self._log(srv, req, 0, start, fault["kind"], client_closed=True)
        srv.ctx.faults.note_closed(fault["id"])
        self.close_connection = True

    def _stream_fault(self, srv, req, start, fault):
        """`huge`: a 200 whose JSON body is `size` bytes (a secret value of that many "A"s), streamed with its
        Content-Length. `chunked_endless`: a 200 with chunked encoding whose body never ends (a chunk every
        `interval` seconds, for at most `seconds`). Both stop when the client closes the connection."""
        self._log(srv, req, 200, start, fault["kind"])
        self.close_connection = True
        chunked = fault["kind"] == "chunked_endless"
        head, tail = b'{"value":"', b'"}'
        size = int(fault.get("size", 100 << 20))
        block = b"A" * 65536
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(size))
            self.end_headers()
            if chunked:
                self._endless_chunks(srv, head, block, float(fault.get("seconds", 120)),
                                     float(fault.get("interval", 0.01)), fault)
                return
            self.wfile.write(head)
            left = size - len(head) - len(tail)
            while left > 0 and not srv.ctx.stopping.is_set():
                n = min(left, len(block))
                self.wfile.write(block[:n])
                srv.ctx.faults.add_streamed(fault["id"], n)
                left -= n
            self.wfile.write(tail)
            self.wfile.flush()
        except OSError:
            srv.ctx.faults.note_closed(fault["id"])

    def _endless_chunks(self, srv, head, block, seconds, interval, fault):
        deadline = time.monotonic() + seconds   # bounded: the fake never streams forever
        self.wfile.write(b"%x\r\n%s\r\n" % (len(head), head))
        while time.monotonic() < deadline and not srv.ctx.stopping.is_set():
            if self._client_closed():
                srv.ctx.faults.note_closed(fault["id"])
                return
            self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
            self.wfile.flush()
            srv.ctx.faults.add_streamed(fault["id"], len(block))
            srv.ctx.stopping.wait(interval)

    def _reset(self):
        # SO_LINGER 0 makes close() send a TCP RST: the client sees "connection reset by peer".
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass

    def _log(self, srv, req, status, start, fault=None, client_closed=False):
        try:
            local = "%s:%d" % self.connection.getsockname()[:2]   # which listener: loopback or 169.254.169.254:80
        except OSError:
            local = None
        srv.ctx.log.add({"server": srv.name, "method": req.method, "host": req.host, "path": req.path,
                         "status": status, "time": start, "duration_ms": round((time.time() - start) * 1000, 3),
                         "fault": fault, "headers": logged_headers(req.headers), "local": local,
                         "client_closed": client_closed})

    def _send(self, resp: Response, srv, host, raw, start, truncate=False, req=None, fault=None, rst=False):
        """truncate: half the body, then close (FIN); with rst, a TCP RST instead (reset mid-body)."""
        body = resp.body
        if req is not None:
            # Logged before the answer leaves: a client that got its answer always finds it in the log.
            self._log(srv, req, resp.status, start, fault if rst else ("truncate" if truncate else fault))
        try:
            self.send_response(resp.status)
            if resp.content_type:
                self.send_header("Content-Type", resp.content_type)
            for k, v in resp.headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            if truncate or self.close_connection:
                # Say so when this connection ends here (client asked, or the proxy forwarded a plain-HTTP
                # request with "Connection: close"), so the client does not try to reuse it.
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body[: len(body) // 2] if truncate else body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True
        if truncate:
            self.close_connection = True
        if rst:
            self._reset()
