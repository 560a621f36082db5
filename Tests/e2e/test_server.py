"""The provider as a process: socket, Version, health, /healthz, request decoding, flags, shutdown."""
import concurrent.futures
import json
import os
import re
import signal
import socket
import stat
import time

import grpc
import pytest
import requests
from grpc_health.v1 import health_pb2, health_pb2_grpc

import service_pb2
import service_pb2_grpc
from conftest import fake_azure_flags
from driver_client import DriverClient, open_channel, pod_attributes
from fakeazure import seed
from provider_process import ProviderProcess, run_provider


def test_version_answers_v1alpha1_with_the_build_semver(client):
    response = client.version()
    assert response.version == "v1alpha1"
    assert response.runtime_name == "secrets-store-csi-driver-provider-azure-swift"
    assert re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?", response.runtime_version)
    # One constant: the `version` subcommand and --version print the same semver.
    assert response.runtime_version in run_provider("version").stdout
    assert run_provider("--version").stdout.strip() == response.runtime_version


def test_health_check_is_serving_on_the_same_socket(provider):
    channel = open_channel(provider.socket_path)
    stub = health_pb2_grpc.HealthStub(channel)
    assert stub.Check(health_pb2.HealthCheckRequest(), timeout=5).status == health_pb2.HealthCheckResponse.SERVING
    named = health_pb2.HealthCheckRequest(service="v1alpha1.CSIDriverProvider")
    assert stub.Check(named, timeout=5).status == health_pb2.HealthCheckResponse.SERVING
    with pytest.raises(grpc.RpcError) as error:
        stub.Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=5)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
    channel.close()


def test_healthz_is_ok_while_serving_and_503_when_the_socket_is_gone(provider):
    response = requests.get(provider.healthz_url, timeout=10)
    assert (response.status_code, response.text) == (200, "ok")
    assert requests.get(f"http://127.0.0.1:{provider.healthz_port}/other", timeout=10).status_code == 404
    head = requests.head(provider.healthz_url, timeout=10)
    assert (head.status_code, head.content) == (200, b"")
    # Take the socket away under the running server: the check over the socket must now fail.
    os.unlink(provider.socket_path)
    response = requests.get(provider.healthz_url, timeout=20)
    assert (response.status_code, response.text) == (
        503, f"health check failed: unavailable: Could not establish a connection to [unix]{provider.socket_path}.\n")


def test_healthz_fails_after_the_server_is_gone(provider):
    assert requests.get(provider.healthz_url, timeout=10).status_code == 200
    assert provider.stop() == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(provider.healthz_url, timeout=5)


def test_healthz_path_and_timeout_flags(start_provider):
    p = start_provider("--healthz-path=/live", "--healthz-timeout=2s", wait=False)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{p.healthz_port}/live", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    else:
        pytest.fail("custom healthz path never answered 200:\n" + p.log())
    assert requests.get(p.healthz_url, timeout=5).status_code == 404


@pytest.mark.parametrize("field, kwargs, expected", [
    ("attributes", {"raw_attributes": "{not json"}, "failed to unmarshal attributes: not valid JSON"),
    ("attributes", {"raw_attributes": "[]"}, "failed to unmarshal attributes: expected a JSON object of strings, got an array"),
    ("attributes", {"raw_attributes": '{"objects": 5}'}, 'failed to unmarshal attributes: the value of "objects" is a number'),
    ("secrets", {"raw_secrets": "{\"clientid\": "}, "failed to unmarshal secrets: not valid JSON"),
    ("secrets", {"raw_secrets": '{"clientsecret": {"nested": "x"}}'}, 'failed to unmarshal secrets: the value of "clientsecret" is an object'),
    ("permission", {"raw_permission": "rw-r--r--"}, "failed to unmarshal file permission"),
    ("permission", {"raw_permission": "4096"}, "outside 0..511"),
    ("permission", {"raw_permission": ""}, "failed to unmarshal file permission"),
])
def test_malformed_request_json_is_invalid_argument_naming_the_field(client, field, kwargs, expected):
    with pytest.raises(grpc.RpcError) as error:
        client.mount({"keyvaultName": "kv"}, **kwargs)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert expected in error.value.details()
    assert error.value.details().startswith("failed to mount objects, error: ")


def test_secret_values_never_appear_in_decoding_errors(client):
    with pytest.raises(grpc.RpcError) as error:
        client.mount({"keyvaultName": "kv"}, raw_secrets='{"clientid": "id", "clientsecret": 12345678}')
    assert "12345678" not in error.value.details()


def test_socket_is_owner_only(provider):
    mode = os.stat(provider.socket_path).st_mode
    assert stat.S_ISSOCK(mode)
    assert stat.S_IMODE(mode) & 0o077 == 0, oct(stat.S_IMODE(mode))


def test_stale_socket_is_removed_on_start(start_provider, tmp_path):
    path = str(tmp_path / "azure.sock")
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)
    stale.close()  # The file stays; nothing listens any more.
    assert os.path.exists(path)
    p = start_provider(socket_dir=str(tmp_path))
    assert DriverClient(p.socket_path).version().version == "v1alpha1"
    assert "removed stale socket" in p.log()


def test_refuses_a_socket_a_live_server_is_using(tmp_path):
    path = str(tmp_path / "azure.sock")
    live = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    live.bind(path)
    live.listen(1)
    try:
        p = ProviderProcess(socket_dir=str(tmp_path)).start(wait=False)
        code = p.wait_exit(timeout=30)
        assert code == 1
        assert "is in use by a running server" in p.log()
        assert os.path.exists(path), "the live server's socket must not be removed"
    finally:
        live.close()


def test_refuses_a_missing_socket_directory(tmp_path):
    p = ProviderProcess(socket_dir=str(tmp_path / "missing")).start(wait=False)
    assert p.wait_exit(timeout=30) == 1
    assert (f'critical cannot listen error="socket directory {tmp_path / "missing"} does not exist: create it or '
            'mount the providers directory there"') in p.log()


def test_refuses_to_replace_a_file_that_is_not_a_socket(tmp_path):
    (tmp_path / "azure.sock").write_text("not a socket")
    p = ProviderProcess(socket_dir=str(tmp_path)).start(wait=False)
    assert p.wait_exit(timeout=30) == 1
    assert f'critical cannot listen error="{tmp_path}/azure.sock exists and is not a socket: refusing to replace it"' in p.log()
    assert (tmp_path / "azure.sock").read_text() == "not a socket"


def test_healthz_port_in_use_is_a_startup_error(tmp_path):
    busy = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    busy.bind(("0.0.0.0", 0))
    busy.listen(1)
    try:
        p = ProviderProcess(socket_dir=str(tmp_path), healthz_port=busy.getsockname()[1]).start(wait=False)
        assert p.wait_exit(timeout=30) == 1
        port = busy.getsockname()[1]
        assert (f'critical cannot listen error="cannot listen on --healthz-port {port}: bind(descriptor:ptr:bytes:):'
                ' Address already in use) (errno: 98)"') in p.log()
        assert not os.path.exists(p.socket_path)
    finally:
        busy.close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_exits_zero_and_removes_the_socket(provider, sig):
    assert os.path.exists(provider.socket_path)
    assert provider.stop(sig) == 0
    assert not os.path.exists(provider.socket_path)


APP_SECRET_PARAMETERS = {"keyvaultName": "kv-demo", "tenantID": seed.TENANT_ID,
                         "objects": "array:\n  - |\n    objectName: app-secret\n    objectType: secret\n"}
SP_SECRETS = {"clientid": seed.SP_CLIENT_ID, "clientsecret": seed.SP_CLIENT_SECRET}
APP_SECRET_FILE = ("app-secret", 0o644, b"app-secret value v5")


def mount_held_at_key_vault(fake_azure, provider):
    """Starts a Mount whose Key Vault read the fake holds open; returns (hold id, future of the outcome:
    the MountResponse or the grpc.RpcError) once the read is being held."""
    hold = fake_azure.inject("keyvault", "hold", path_contains="/secrets/app-secret/")
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    client = DriverClient(provider.socket_path)

    def mount():
        try:
            return client.mount(pod_attributes(APP_SECRET_PARAMETERS), SP_SECRETS, timeout=60)
        except grpc.RpcError as error:
            return error
        finally:
            client.close()
    future = pool.submit(mount)
    pool.shutdown(wait=False)
    assert fake_azure.wait_held(hold, timeout=15), "the mount never reached Key Vault:\n" + provider.log()
    return hold, future


def version_without_waiting(socket_path):
    """A Version call on a new channel without waitForReady: its status code, or "ok"."""
    channel = grpc.insecure_channel("unix:" + socket_path, options=[("grpc.default_authority", "localhost")])
    try:
        service_pb2_grpc.CSIDriverProviderStub(channel).Version(service_pb2.VersionRequest(version="v1alpha1"), timeout=5)
        return "ok"
    except grpc.RpcError as error:
        return error.code()
    finally:
        channel.close()


def wait_until(predicate, timeout):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_sigterm_drains_a_mount_held_at_key_vault(fake_azure, start_provider):
    """SIGTERM while Key Vault holds a mount's read: the provider stops taking calls at once but keeps
    running; released, the mount completes with its file, then the process exits 0 without its socket."""
    args, env = fake_azure_flags(fake_azure, "--shutdown-grace-period=30s")
    provider = start_provider(*args, env=env)
    assert version_without_waiting(provider.socket_path) == "ok"
    hold, outcome = mount_held_at_key_vault(fake_azure, provider)
    provider.process.send_signal(signal.SIGTERM)
    assert wait_until(lambda: "shutting down" in provider.log(), 5), provider.log()
    assert [version_without_waiting(provider.socket_path) for _ in range(5)] == [grpc.StatusCode.UNAVAILABLE] * 5
    assert provider.process.poll() is None and not outcome.done()  # draining, not killed
    fake_azure.release(hold)
    response = outcome.result(timeout=15)
    assert not isinstance(response, grpc.RpcError), response
    assert [(f.path, f.mode, f.contents) for f in response.files] == [APP_SECRET_FILE]
    assert provider.wait_exit(timeout=10) == 0
    assert not os.path.exists(provider.socket_path)


GRACE_SECONDS = 2


def sigterm_with_a_held_mount(fake_azure, start_provider):
    """SIGTERM to a provider with a 2 s grace period while Key Vault holds a mount's read (never released):
    (mount outcome, seconds from SIGTERM to that outcome, exit code, seconds from SIGTERM to exit, provider)."""
    args, env = fake_azure_flags(fake_azure, f"--shutdown-grace-period={GRACE_SECONDS}s")
    provider = start_provider(*args, env=env)
    _, outcome = mount_held_at_key_vault(fake_azure, provider)
    started = time.monotonic()
    provider.process.send_signal(signal.SIGTERM)
    result = outcome.result(timeout=15)
    answered = time.monotonic() - started
    code = provider.wait_exit(timeout=15)
    return result, answered, code, time.monotonic() - started, provider


def test_grace_period_expiring_first_cancels_the_held_mount(fake_azure, start_provider):
    """The grace period ends before Key Vault answers: at that moment the mount is cancelled (the driver
    sees CANCELLED and kubelet retries the mount), the process exits 0 and the socket is gone."""
    result, answered, code, _, provider = sigterm_with_a_held_mount(fake_azure, start_provider)
    assert isinstance(result, grpc.RpcError), result
    assert (result.code(), result.details()) == (
        grpc.StatusCode.CANCELLED, "Stream removed (RST_STREAM (Received RST_STREAM with error code 8))")
    assert GRACE_SECONDS <= answered < GRACE_SECONDS + 1, answered
    assert code == 0, provider.log()
    assert not os.path.exists(provider.socket_path)


def test_process_exits_within_the_grace_period_when_key_vault_hangs(fake_azure, start_provider):
    """`--shutdown-grace-period` bounds the whole shutdown: kubelet's own grace (30 s by default) is sized
    on it, so the process must be gone within the grace period plus 1 s even with Key Vault hanging."""
    _, _, _, exited, _ = sigterm_with_a_held_mount(fake_azure, start_provider)
    assert exited < GRACE_SECONDS + 1, exited


@pytest.mark.parametrize("args, message", [
    (["--no-such-flag"], "Unknown option '--no-such-flag'"),
    (["--healthz-port=abc"], "--healthz-port"),
    (["--healthz-port=70000"], "--healthz-port must be between 1 and 65535"),
    (["--construct-pem-chain=maybe"], "--construct-pem-chain"),
    (["--healthz-timeout=5"], "--healthz-timeout"),
    (["--endpoint=/tmp/azure.sock"], "expected unix://<path>"),
    (["--metrics-backend=opencensus"], "--metrics-backend \"opencensus\" is not supported"),
    (["--cloud-name=AzureMarsCloud"], "--cloud-name \"AzureMarsCloud\" is not a built-in cloud"),
    (["-v=-1"], "-v/--verbosity must be 0 or more"),
])
def test_bad_flags_fail_fast_with_a_clear_message(args, message):
    """Exit status 64 (EX_USAGE), the message on stderr first, then the usage hint; nothing on stdout."""
    result = run_provider(*args)
    assert (result.returncode, result.stdout) == (64, "")
    first_line = result.stderr.splitlines()[0]
    assert first_line.startswith("Error: ") and message in first_line, result.stderr
    assert "See 'secrets-store-csi-driver-provider-azure serve --help' for more information." in result.stderr


def test_go_style_flags_are_accepted(start_provider, tmp_path):
    path = tmp_path / "azure.sock"
    p = ProviderProcess(socket_dir=str(tmp_path))
    # Single-dash long flags, bare booleans and Go booleans/durations as the Go provider's chart passes them.
    p.args = [f"-endpoint=unix://{path}", f"-healthz-port={p.healthz_port}", "--construct-pem-chain",
              "--write-cert-and-key-in-separate-files=false", "--healthz-timeout=1m30s", "-v=2",
              "--metrics-backend=Prometheus", "--cloud-name=azurechinacloud"]
    p.start()
    try:
        assert DriverClient(str(path)).version().version == "v1alpha1"
    finally:
        assert p.stop() == 0


def test_help_documents_every_flag():
    text = run_provider("serve", "--help").stdout
    for flag in ["--endpoint", "--healthz-port", "--healthz-path", "--healthz-timeout", "--metrics-backend",
                 "--prometheus-port", "--construct-pem-chain", "--write-cert-and-key-in-separate-files",
                 "--cloud-name", "--log-format-json", "--verbosity", "--nmi-port", "--mount-timeout",
                 "--shutdown-grace-period", "--extra-ca-bundle", "--custom-user-agent", "--token-proxy-url", "--sni-name",
                 "--token-proxy-ca-file"]:
        assert flag in text, flag


def test_json_logs_are_one_object_per_line(start_provider):
    p = start_provider("--log-format-json=true")
    assert p.stop() == 0
    records = [json.loads(line) for line in p.log().splitlines()]
    assert [(r["level"], r["msg"]) for r in records] == [
        ("info", "starting"), ("info", "healthz listening"), ("info", "metrics listening"), ("info", "serving"),
        ("info", "shutting down: no new RPCs, in-flight mounts finish"), ("info", "provider stopped")]
    assert all(list(r)[:3] == ["ts", "level", "msg"] and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", r["ts"])
               for r in records)
    assert records[3]["socket"] == p.socket_path
