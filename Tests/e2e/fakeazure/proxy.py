"""Loopback HTTP proxy that sends Azure's production host names to the local fakes.

CONNECT host:443 for HTTPS (Entra ID authority hosts, *.<vault suffix>), absolute-URI requests for plain
HTTP (169.254.169.254, IMDS). It never opens a connection to anything but the fakes' loopback ports:
any other target gets 502 and is closed. Configured with credentials (user:password in the proxy URL), it
answers 407 with `Proxy-Authenticate: Basic` to every request without the matching `Proxy-Authorization`,
as Squid and other authenticating proxies do.
"""
import base64
import selectors
import socket
import socketserver
import threading

MAX_HEAD = 64 * 1024


class Router:
    def __init__(self, clouds: dict, ports: dict | None = None):
        self.clouds = clouds
        self.ports = ports or {}  # "keyvault" | "entra" | "imds" -> loopback port

    def target(self, host: str, port: int) -> int | None:
        host = host.lower().rstrip(".")
        if host == "169.254.169.254" and port == 80:
            return self.ports.get("imds")
        if port != 443:
            return None
        for cloud in self.clouds.values():
            if host in cloud.authority_hosts:
                return self.ports.get("entra")
            if host.endswith("." + cloud.vault_suffix) and host.count(".") == cloud.vault_suffix.count(".") + 1:
                return self.ports.get("keyvault")
        return None


def _split_hostport(text: str, default_port: int) -> tuple[str, int]:
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else default_port
    if ":" in text:
        host, _, port = text.rpartition(":")
        try:
            return host, int(port)
        except ValueError:
            return text, default_port
    return text, default_port


def _no_delay(sock):
    """Relay each write at once. The fakes answer in two writes (headers, body): with Nagle on, the proxy held
    the second until the provider's delayed ACK, about 40 ms on every answer."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class _ProxyHandler(socketserver.BaseRequestHandler):
    def handle(self):
        srv: ProxyServer = self.server
        client = self.request
        _no_delay(client)
        client.settimeout(30)
        buf = b""
        try:
            while b"\r\n\r\n" not in buf:
                chunk = client.recv(65536)
                if not chunk:
                    return
                buf += chunk
                if len(buf) > MAX_HEAD:
                    return self._refuse(client, 431, "Request Header Fields Too Large")
        except OSError:
            return
        head, _, rest = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
        except ValueError:
            return self._refuse(client, 400, "Bad Request")
        if not srv.authorized(lines[1:]):
            srv.count_auth_failure(target)
            return self._refuse(client, 407, "Proxy Authentication Required",
                                [("Proxy-Authenticate", 'Basic realm="fakeazure"')])
        if method.upper() == "CONNECT":
            upstream = self._open(*_split_hostport(target, 443))
            if upstream is None:
                return self._refuse(client, 502, "Bad Gateway")
            client.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            if rest:
                upstream.sendall(rest)
            return self._relay(client, upstream)
        if not target.lower().startswith("http://"):
            return self._refuse(client, 400, "Bad Request")
        hostport = target[7:].split("/", 1)[0]
        path = "/" + target[7:].split("/", 1)[1] if "/" in target[7:] else "/"
        host, port = _split_hostport(hostport, 80)
        upstream = self._open(host, port)
        if upstream is None:
            return self._refuse(client, 502, "Bad Gateway")
        # Origin-form for the fake; one request per upstream connection ("Connection: close"), so a client
        # that reuses its proxy connection for another host can never be relayed to the wrong fake.
        headers = [h for h in lines[1:] if h.split(":", 1)[0].strip().lower()
                   not in ("proxy-connection", "proxy-authorization", "connection", "keep-alive")]
        new_head = "\r\n".join([f"{method} {path} {version}"] + headers + ["Connection: close"]) + "\r\n\r\n"
        upstream.sendall(new_head.encode("latin-1") + rest)
        return self._relay(client, upstream)

    def _open(self, host, port):
        """A connection to the fake that serves host:port, or None: unknown hosts are never dialled."""
        backend = self.server.router.target(host, port)
        self.server.count_connection(host, port, backend is not None)
        return self._dial(backend) if backend is not None else None

    @staticmethod
    def _dial(port: int):
        try:
            return _no_delay(socket.create_connection(("127.0.0.1", port), timeout=5))
        except OSError:
            return None

    @staticmethod
    def _refuse(client, status: int, reason: str, headers=()):
        body = f"{status} {reason}: fakeazure proxy only reaches the local fakes\n".encode()
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers)
        try:
            client.sendall(f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
                           f"{extra}Connection: close\r\n\r\n".encode() + body)
        except OSError:
            pass

    def _relay(self, a, b):
        srv: ProxyServer = self.server
        srv.track(b, True)
        a.settimeout(None)
        b.settimeout(None)
        sel = selectors.DefaultSelector()
        sel.register(a, selectors.EVENT_READ, b)
        sel.register(b, selectors.EVENT_READ, a)
        open_ends = 2
        try:
            while open_ends and not srv.stopping.is_set():
                for key, _ in sel.select(timeout=0.5):
                    src, dst = key.fileobj, key.data
                    try:
                        data = src.recv(65536)
                    except OSError:
                        data = b""
                    if data:
                        try:
                            dst.sendall(data)
                        except OSError:
                            return
                    else:
                        # Half-close: pass EOF on, keep the other direction open (TLS close_notify etc.).
                        sel.unregister(src)
                        open_ends -= 1
                        try:
                            dst.shutdown(socket.SHUT_WR)
                        except OSError:
                            pass
                        if isinstance(src, socket.socket) and src is b:
                            # Upstream closed or reset: drop the client so it sees the same.
                            return
        finally:
            sel.close()
            srv.track(b, False)
            b.close()


class ProxyServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, router: Router, stopping: threading.Event, credentials: tuple[str, str] | None = None,
                 sock: socket.socket | None = None):
        """credentials=(user, password): required on every request. sock: an already listening socket to
        serve (e.g. inside a network namespace) instead of a new one on 127.0.0.1."""
        self.router = router
        self.stopping = stopping
        self._lock = threading.Lock()
        self._socks: set = set()
        self.connections = []   # (host, port, routed) per CONNECT / absolute-URI request
        self.auth_failures = []  # request targets refused with 407
        self._expected_auth = None
        if credentials:
            self._expected_auth = "Basic " + base64.b64encode(("%s:%s" % credentials).encode()).decode()
        if sock is None:
            super().__init__(("127.0.0.1", 0), _ProxyHandler)
        else:
            super().__init__(sock.getsockname(), _ProxyHandler, bind_and_activate=False)
            self.socket.close()
            self.socket = sock
            self.server_address = sock.getsockname()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def authorized(self, header_lines) -> bool:
        """Without configured credentials everything passes; with them, Proxy-Authorization must match."""
        if self._expected_auth is None:
            return True
        for line in header_lines:
            name, _, value = line.partition(":")
            if name.strip().lower() == "proxy-authorization":
                return value.strip() == self._expected_auth
        return False

    def count_auth_failure(self, target):
        with self._lock:
            self.auth_failures.append(target)

    def count_connection(self, host, port, routed):
        with self._lock:
            self.connections.append((host, port, routed))

    def track(self, sock, add):
        with self._lock:
            (self._socks.add if add else self._socks.discard)(sock)

    def process_request(self, request, client_address):
        self.track(request, True)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        self.track(request, False)
        super().shutdown_request(request)

    def start(self):
        t = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.2}, name="fakeazure-proxy",
                             daemon=True)
        t.start()
        return t

    def stop(self):
        self.shutdown()
        self.server_close()
        with self._lock:
            socks = list(self._socks)
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
