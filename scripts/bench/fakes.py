"""The local fakes of Azure in a process of their own, so that their CPU time is neither the load generator's
nor hidden in it (one Python process would also share one GIL between the fakes and the gRPC client).

The child (spawned: a fresh interpreter, nothing inherited from the parent's gRPC threads) runs
`FakeAzure.start(...)` and answers a few calls over a pipe."""
import multiprocessing
import os
import sys

E2E = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "e2e")
# The calls the parent may make on the FakeAzure object, nothing else.
CALLS = ("set_latency", "requests", "clear_requests", "mint_service_account_token")


def _serve(conn, seed, latency_ms):
    sys.path.insert(0, E2E)
    from fakeazure import FakeAzure

    fa = FakeAzure.start(seed=seed, latency_ms=latency_ms)
    conn.send({"proxy_url": fa.proxy_url, "ca_bundle": fa.ca_bundle, "nmi_port": fa.nmi_port})
    try:
        while True:
            call = conn.recv()
            if call is None:
                return
            name, args = call
            conn.send(getattr(fa, name)(*args) if name in CALLS else None)
    finally:
        fa.stop()


class Fakes:
    def __init__(self, seed, latency_ms=0):
        self._conn, child = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(child, seed, latency_ms), daemon=True)
        self.process.start()
        if not self._conn.poll(120):
            raise RuntimeError("the fakes did not start within 120 s")
        self.info = self._conn.recv()
        self.pid = self.process.pid

    def _call(self, name, *args):
        self._conn.send((name, args))
        return self._conn.recv()

    def set_latency(self, ms):
        self._call("set_latency", ms)

    def requests(self):
        return self._call("requests")

    def clear_requests(self):
        self._call("clear_requests")

    def mint_service_account_token(self, namespace, service_account, pod):
        return self._call("mint_service_account_token", namespace, service_account,
                          "api://AzureADTokenExchange", 3600, None, pod)

    def provider_settings(self):
        """Flags and environment of a provider behind the fakes' egress proxy (as the e2e suite sets it up)."""
        env = {"HTTPS_PROXY": self.info["proxy_url"], "HTTP_PROXY": self.info["proxy_url"], "NO_PROXY": ""}
        args = (f"--extra-ca-bundle={self.info['ca_bundle']}", f"--nmi-port={self.info['nmi_port']}")
        return args, env

    def stop(self):
        try:
            self._conn.send(None)
        except OSError:
            pass
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()
