"""Shared helpers of the reliability suite (faults, rotation, cancellation, load, hostile input, leak scan,
isolation): classes and mounts against the default seed, the provider's process figures, a channel without
the driver's retries."""
import json
import os
import time

import grpc
import pytest
import requests

import service_pb2
import service_pb2_grpc
from conftest import fake_azure_flags
from driver_client import DriverClient, pod_attributes
from fakeazure import seed as S
from provider_process import ProviderProcess

SP = {"clientid": S.SP_CLIENT_ID, "clientsecret": S.SP_CLIENT_SECRET}
RESTRICTED_SP = {"clientid": S.RESTRICTED_SP_CLIENT_ID, "clientsecret": S.RESTRICTED_SP_CLIENT_SECRET}
PREFIX = "failed to mount objects, error: "
DB_PASSWORD = b"s3cr3t-Pa55w0rd!"   # kv-demo's db-password, the canary of "the next normal mount works"


def objects_yaml(*objects):
    """The class's `objects` parameter; each object a dict, or a secret's name."""
    out = "array:\n"
    for obj in objects:
        obj = {"objectName": obj, "objectType": "secret"} if isinstance(obj, str) else obj
        out += "  - |\n" + "".join(f"    {k}: {v}\n" for k, v in obj.items())
    return out


def class_attributes(*objects, vault="kv-demo", extra=None, pod=None):
    parameters = {"keyvaultName": vault, "tenantID": S.TENANT_ID, "objects": objects_yaml(*objects), **(extra or {})}
    return pod_attributes(parameters, **(pod or {}))


def mount(client, *objects, vault="kv-demo", secrets=SP, extra=None, pod=None, **kwargs):
    """Mounts and returns {path: contents}."""
    response = client.mount(class_attributes(*objects, vault=vault, extra=extra, pod=pod), secrets, **kwargs)
    return {f.path: f.contents for f in response.files}


def mount_error(client, *objects, **kwargs):
    """Mounts, expects a failure, returns (code, details)."""
    with pytest.raises(grpc.RpcError) as error:
        mount(client, *objects, **kwargs)
    return error.value.code(), error.value.details()


def assert_next_mount_works(client):
    """After a fault: a normal mount succeeds with its exact content (no poisoned cache, no stuck pool)."""
    assert mount(client, "db-password", timeout=20) == {"db-password": DB_PASSWORD}


def kv_requests(fa, path_contains=""):
    return [r for r in fa.requests("keyvault") if path_contains in r["path"]]


class NoRetryClient(DriverClient):
    """The driver's client without its UNAVAILABLE retries: one Mount call is one provider answer, so the
    attempts the fakes count are the provider's own."""

    def __init__(self, socket_path):
        self.channel = grpc.insecure_channel("unix:" + socket_path, options=[
            ("grpc.enable_retries", 0), ("grpc.default_authority", "localhost"),
            ("grpc.max_receive_message_length", 64 << 20)])
        self.stub = service_pb2_grpc.CSIDriverProviderStub(self.channel)


class SingleAttempt:
    """A channel without the driver's UNAVAILABLE retries: one Mount call is one provider answer. Large
    answers and status metadata are accepted (up to 64 MiB and 1 MiB), as the driver's grpc-go client does,
    so a long error message reaches the test instead of a client-side limit error."""

    def __init__(self, socket_path):
        self.channel = grpc.insecure_channel("unix:" + socket_path, options=[
            ("grpc.enable_retries", 0), ("grpc.default_authority", "localhost"),
            ("grpc.max_receive_message_length", 64 << 20), ("grpc.max_metadata_size", 1 << 20),
            ("grpc.absolute_max_metadata_size", 1 << 20)])
        self.stub = service_pb2_grpc.CSIDriverProviderStub(self.channel)

    def request(self, attributes=None, secrets=SP, raw_attributes=None, permission="420", target="/tmp/t"):
        return service_pb2.MountRequest(
            attributes=raw_attributes if raw_attributes is not None else json.dumps(attributes),
            secrets=json.dumps(secrets), permission=permission, target_path=target)

    def future(self, request, timeout):
        return self.stub.Mount.future(request, timeout=timeout, wait_for_ready=True)

    def call(self, request, timeout=30):
        """(code, details, seconds): OK with the response's file count as details on success."""
        started = time.monotonic()
        try:
            response = self.stub.Mount(request, timeout=timeout, wait_for_ready=True)
            return grpc.StatusCode.OK, len(response.files), time.monotonic() - started
        except grpc.RpcError as e:
            return e.code(), e.details(), time.monotonic() - started

    def close(self):
        self.channel.close()


def scrape_metrics(port):
    """The provider's /metrics text, or None when nothing listens on the port: the build under test does not
    serve metrics yet (they are being added); any other answer than 200 is a failure."""
    try:
        answer = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    except requests.ConnectionError:
        return None
    assert answer.status_code == 200, answer.status_code
    return answer.text


def metric_value(text, name):
    """The value of an unlabelled series in Prometheus text, or None when absent."""
    for line in text.splitlines():
        if line.split(" ")[0] == name:
            return float(line.split(" ")[1])
    return None


# ---- the provider's process figures ------------------------------------------------------------------

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def thread_count(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


def outbound_sockets(pid, remote_ports):
    """How many of the provider's fds are TCP connections to one of `remote_ports` on loopback (its pooled
    connections to the proxy and the NMI). Idle pooled connections stay open by design (the pool keeps up to 8
    per host); everything else must come back to its baseline."""
    inodes = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                inodes[fields[9]] = remote_port
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:[") and inodes.get(target[8:-1]) in remote_ports:
            count += 1
    return count


def settle(measure, pid, at_most, timeout=10):
    """`measure(pid)` once it is at most `at_most`, or its last value after `timeout`."""
    deadline = time.monotonic() + timeout
    count = measure(pid)
    while count > at_most and time.monotonic() < deadline:
        time.sleep(0.2)
        count = measure(pid)
    return count


def settle_fds(pid, at_most, timeout=10):
    """The provider's open fds, settled: idle connections close, tasks end."""
    return settle(fd_count, pid, at_most, timeout)


def settle_threads(pid, at_most, timeout=15):
    """The provider's threads, settled: the runtime's pools start threads under load and let idle ones exit a
    few seconds later."""
    return settle(thread_count, pid, at_most, timeout)


def start_azure_provider(fa, *flags, env=None):
    """A provider of its own (cold caches and pool) wired to the fakes; the caller stops it."""
    args, base_env = fake_azure_flags(fa, *flags)
    return ProviderProcess(args=args, env=dict(base_env, **(env or {}))).start()


@pytest.fixture
def own_provider(fake_azure):
    """Starts providers of their own with extra flags: (process, NoRetryClient); stopped at the end."""
    started = []

    def start(*flags, env=None):
        process = start_azure_provider(fake_azure, *flags, env=env)
        started.append((process, NoRetryClient(process.socket_path)))
        return started[-1]

    yield start
    for process, client in started:
        client.close()
        process.stop()
