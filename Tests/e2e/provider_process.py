"""Starts the real provider binary on a temporary socket and stops it the way kubelet does (SIGTERM)."""
import os
import signal
import socket
import subprocess
import tempfile
import time

import grpc
import requests

import service_pb2
import service_pb2_grpc

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY_NAME = "secrets-store-csi-driver-provider-azure"


def provider_binary():
    """The binary under test: $PROVIDER_BINARY, else the debug build `make test` produced."""
    path = os.environ.get("PROVIDER_BINARY") or os.path.join(REPO, ".build", "debug", BINARY_NAME)
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"provider binary not found at {path}: run `swift build` (or set PROVIDER_BINARY)")
    return path


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ProviderProcess:
    """One provider process. `args` are extra flags; `env` extra environment variables."""

    def __init__(self, args=(), env=None, socket_dir=None, healthz_port=None, netns=None):
        """netns: the name of a network namespace (`ip netns`) to run in; its /healthz is then out of
        reach, so readiness is checked over the socket (a file, shared across namespaces)."""
        self.dir = socket_dir or tempfile.mkdtemp(prefix="provider-")
        self.socket_path = os.path.join(self.dir, "azure.sock")
        self.healthz_port = healthz_port or free_port()
        # Every provider serves /metrics: each gets a free port of its own (unless the test names one), bound
        # to loopback, so providers started side by side never collide on the default 8898.
        metrics = [] if any(str(a).startswith("--prometheus-port") for a in args) else [
            f"--prometheus-port={free_port()}", "--metrics-bind-address=127.0.0.1"]
        self.args = [f"--endpoint=unix://{self.socket_path}", f"--healthz-port={self.healthz_port}", *metrics, *args]
        self.env = dict(os.environ, **(env or {}))
        self.log_path = os.path.join(tempfile.mkdtemp(prefix="provider-log-"), "provider.log")
        self.netns = netns
        self.process = None

    def start(self, wait=True):
        self._log = open(self.log_path, "wb")
        # `ip netns exec` execs the binary in place: the pid (and so SIGTERM) is the provider's own.
        prefix = ["ip", "netns", "exec", self.netns] if self.netns else []
        self.process = subprocess.Popen([*prefix, provider_binary(), *self.args], env=self.env,
                                        stdout=self._log, stderr=subprocess.STDOUT)
        if wait:
            self.wait_until_serving()
        return self

    def wait_until_serving(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"provider exited with {self.process.returncode}:\n{self.log()}")
            if os.path.exists(self.socket_path) and self._answers():
                return
            time.sleep(0.05)
        raise RuntimeError(f"provider did not start serving within {timeout}s:\n{self.log()}")

    def _answers(self):
        if self.netns:
            return socket_answers_version(self.socket_path)
        try:
            return requests.get(self.healthz_url, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    @property
    def healthz_url(self):
        return f"http://127.0.0.1:{self.healthz_port}/healthz"

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Sends `sig` and returns the exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self._log.close()
        return code

    def wait_exit(self, timeout=30):
        code = self.process.wait(timeout=timeout)
        self._log.close()
        return code

    def log(self):
        try:
            self._log.flush()
        except (ValueError, AttributeError):
            pass
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")


def socket_answers_version(path):
    channel = grpc.insecure_channel("unix:" + path, options=[("grpc.default_authority", "localhost")])
    try:
        stub = service_pb2_grpc.CSIDriverProviderStub(channel)
        return stub.Version(service_pb2.VersionRequest(version="v1alpha1"), timeout=2).version == "v1alpha1"
    except grpc.RpcError:
        return False
    finally:
        channel.close()


def run_provider(*args, timeout=30):
    """Runs the binary to completion (for subcommands and flag errors)."""
    return subprocess.run([provider_binary(), *args], capture_output=True, text=True, timeout=timeout)
