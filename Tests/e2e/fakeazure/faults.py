"""Per-test fault injection and the request log shared by all fake servers."""
import itertools
import threading
import time

SERVERS = ("keyvault", "entra", "imds", "nmi")
KINDS = ("status", "reset", "truncate", "hang", "latency")


class Faults:
    def __init__(self, latency_ms: int = 0):
        self._lock = threading.Lock()
        self._faults: list[dict] = []
        self._ids = itertools.count(1)
        self.latency_ms = {s: latency_ms for s in SERVERS}

    def inject(self, server: str, kind: str, count: int | None = 1, **opts) -> int:
        """Queue a fault for the next `count` matching requests (None = every request until cleared).
        opts: status=, retry_after=, body= (status); seconds= (hang); ms= (latency);
        path_contains=, host_contains=, method= (matching, all kinds)."""
        if server not in SERVERS:
            raise ValueError(f"server must be one of {SERVERS}")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        if kind == "status" and "status" not in opts:
            raise ValueError("kind 'status' needs status=")
        with self._lock:
            fid = next(self._ids)
            self._faults.append(dict(opts, id=fid, server=server, kind=kind, remaining=count))
            return fid

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def set_latency(self, ms: int, server: str | None = None) -> None:
        for s in ([server] if server else SERVERS):
            self.latency_ms[s] = ms

    def take(self, server: str, method: str, host: str, path: str) -> tuple[float, dict | None]:
        """(extra latency in seconds, the first matching non-latency fault or None); consumes counts."""
        delay = self.latency_ms.get(server, 0) / 1000.0
        chosen = None
        with self._lock:
            for f in list(self._faults):
                if f["server"] != server or not _matches(f, method, host, path):
                    continue
                if f["kind"] == "latency":
                    delay += f.get("ms", 0) / 1000.0
                elif chosen is None:
                    chosen = f
                else:
                    continue
                if f["remaining"] is not None:
                    f["remaining"] -= 1
                    if f["remaining"] <= 0:
                        self._faults.remove(f)
        return delay, chosen

    def snapshot(self) -> list[dict]:
        with self._lock:
            return [dict(f) for f in self._faults]


def _matches(f: dict, method: str, host: str, path: str) -> bool:
    if f.get("path_contains") and f["path_contains"] not in path:
        return False
    if f.get("host_contains") and f["host_contains"] not in host:
        return False
    if f.get("method") and f["method"].upper() != method.upper():
        return False
    return True


class RequestLog:
    def __init__(self):
        self._lock = threading.Lock()
        self._entries: list[dict] = []

    def add(self, entry: dict) -> None:
        with self._lock:
            self._entries.append(entry)

    def list(self, server: str | None = None) -> list[dict]:
        with self._lock:
            return [dict(e) for e in self._entries if server is None or e["server"] == server]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def now() -> float:
    return time.time()
