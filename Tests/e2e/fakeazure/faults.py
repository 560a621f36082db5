"""Per-test fault injection and the request log shared by all fake servers."""
import itertools
import threading
import time

SERVERS = ("keyvault", "entra", "imds", "nmi")
KINDS = ("status", "reset", "truncate", "reset_body", "huge", "chunked_endless", "hang", "hold", "latency")


class Hold:
    """A `hold` fault's state: how many requests it has caught, and the event that lets them go on.
    Kept out of the fault dict so that snapshots stay plain JSON."""

    def __init__(self):
        self.released = threading.Event()
        self._caught = threading.Condition()
        self.caught = 0

    def catch(self) -> None:
        with self._caught:
            self.caught += 1
            self._caught.notify_all()

    def wait_caught(self, count: int, timeout: float) -> bool:
        with self._caught:
            return self._caught.wait_for(lambda: self.caught >= count, timeout)


class Faults:
    def __init__(self, latency_ms: int = 0):
        self._lock = threading.Lock()
        # fault id -> how many requests it caught whose client closed the connection while waiting for the
        # answer (hang, hold, huge, chunked_endless): proof that a cancelled client stops its requests.
        self._closed: dict[int, int] = {}
        self._closed_cond = threading.Condition(self._lock)
        self._streamed: dict[int, int] = {}   # fault id -> body bytes a huge/chunked_endless answer wrote
        self._faults: list[dict] = []
        self._holds: dict[int, Hold] = {}
        self._ids = itertools.count(1)
        self.base_latency_ms = latency_ms   # what reset() goes back to
        self.latency_ms = {s: latency_ms for s in SERVERS}

    def inject(self, server: str, kind: str, count: int | None = 1, **opts) -> int:
        """Queue a fault for the next `count` matching requests (None = every request until cleared).
        opts: status=, retry_after=, body= (status); seconds= (hang); ms= (latency);
        size= (huge: bytes of the JSON body, default 100 MiB); seconds=, interval= (chunked_endless);
        path_contains=, host_contains=, method= (matching, all kinds).
        `hold` keeps each matching request open, unanswered, until release() (or stop)."""
        if server not in SERVERS:
            raise ValueError(f"server must be one of {SERVERS}")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        if kind == "status" and "status" not in opts:
            raise ValueError("kind 'status' needs status=")
        with self._lock:
            fid = next(self._ids)
            self._faults.append(dict(opts, id=fid, server=server, kind=kind, remaining=count))
            if kind == "hold":
                self._holds[fid] = Hold()
            return fid

    def clear(self) -> None:
        """No pending faults; requests still held are let go, so no handler stays stuck after a test."""
        with self._lock:
            self._faults.clear()
            holds = list(self._holds.values())
            self._holds.clear()
        for hold in holds:
            hold.released.set()

    def hold_of(self, fid: int) -> Hold:
        with self._lock:
            if fid not in self._holds:
                raise KeyError(f"no hold fault with id {fid}")
            return self._holds[fid]

    def release(self, fid: int | None = None) -> None:
        """Lets the requests held by fault `fid` (every hold fault when None) go on to their answer."""
        with self._lock:
            holds = [self._holds[fid]] if fid is not None else list(self._holds.values())
        for hold in holds:
            hold.released.set()

    def note_closed(self, fid: int) -> None:
        with self._closed_cond:
            self._closed[fid] = self._closed.get(fid, 0) + 1
            self._closed_cond.notify_all()

    def add_streamed(self, fid: int, n: int) -> None:
        with self._lock:
            self._streamed[fid] = self._streamed.get(fid, 0) + n

    def streamed(self, fid: int) -> int:
        with self._lock:
            return self._streamed.get(fid, 0)

    def closed_count(self, fid: int) -> int:
        with self._lock:
            return self._closed.get(fid, 0)

    def wait_closed(self, fid: int, count: int, timeout: float) -> bool:
        with self._closed_cond:
            return self._closed_cond.wait_for(lambda: self._closed.get(fid, 0) >= count, timeout)

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
                    # A copy carrying the hold state: the handler waits on it even after the fault is used up.
                    chosen = dict(f, hold=self._holds.get(f["id"]))
                else:
                    continue
                if f["remaining"] is not None:
                    f["remaining"] -= 1
                    if f["remaining"] <= 0:
                        self._faults.remove(f)
        return delay, chosen

    def reset_latency(self) -> None:
        self.set_latency(self.base_latency_ms)

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
    """Every answered request, logged when its answer leaves. clear() forgets the past: a request that started
    before it (one a test released as it ended, answered moments later) is never logged after it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: list[dict] = []
        self._cleared_at = 0.0

    def add(self, entry: dict) -> None:
        with self._lock:
            if entry["time"] >= self._cleared_at:
                self._entries.append(entry)

    def list(self, server: str | None = None) -> list[dict]:
        with self._lock:
            return [dict(e) for e in self._entries if server is None or e["server"] == server]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._cleared_at = time.time()


def now() -> float:
    return time.time()
