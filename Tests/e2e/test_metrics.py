"""Prometheus metrics through the real provider: the Go provider's two histograms (names, buckets, the labels
dashboards group by), the node operator's counters, the process's own figures, every label bounded, and
never a secret, token, object value or error text in a scrape."""
import re

import grpc
import pytest
import requests

import fakeazure.seed as S
from conftest import fake_azure_flags
from driver_client import DriverClient, pod_attributes
from provider_process import free_port

GO_BUCKETS = ["0.1", "0.2", "0.3", "0.4", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "5.0", "10.0", "15.0", "30.0",
              "+Inf"]
SP = {"clientid": S.SP_CLIENT_ID, "clientsecret": S.SP_CLIENT_SECRET}
# Every label name a series may carry, per metric family; anything else would be unbounded or unplanned.
LABELS = {
    "keyvault_request": {"object_type", "error", "provider", "os_type", "le"},
    "grpc_request": {"grpc_method", "grpc_code", "provider", "os_type", "le"},
    "azure_provider_token_requests_total": {"mode", "result"},
    "azure_provider_token_cache_hits_total": {"mode"},
    "azure_provider_keyvault_shared_reads_total": {"scope"},
    "azure_provider_http_retries_total": {"reason"},
    "azure_provider_keyvault_responses_total": {"status_class"},
}
PROCESS = ["process_resident_memory_bytes", "process_virtual_memory_bytes", "process_cpu_seconds_total",
           "process_open_fds", "process_max_fds", "process_start_time_seconds", "process_threads"]
SERIES = re.compile(r"^([a-z_]+?)(_bucket|_sum|_count)?(\{(.*)\})? (\S+)$")


def objects(*names):
    return "array:\n" + "".join(f"  - |\n    objectName: {n}\n    objectType: secret\n" for n in names)


def scrape(port):
    response = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return response.text


def series(text):
    """[(family, suffix, {label: value}, value)] of every sample line."""
    found = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SERIES.match(line)
        assert match, line
        family, suffix, _, labels, value = match.groups()
        found.append((family, suffix or "", dict(re.findall(r'([a-z_]+)="([^"]*)"', labels or "")), float(value)))
    return found


def value(samples, family, suffix="", **labels):
    matching = [v for f, s, l, v in samples if f == family and s == suffix
                and all(l.get(k) == str(x) for k, x in labels.items())]
    assert len(matching) == 1, (family, labels, matching)
    return matching[0]


@pytest.fixture
def metrics_provider(fake_azure, start_provider):
    def start(*flags):
        port = free_port()
        args, env = fake_azure_flags(fake_azure, f"--prometheus-port={port}", "--metrics-bind-address=127.0.0.1",
                                     *flags)
        provider = start_provider(*args, env=env)
        return provider, DriverClient(provider.socket_path), port
    return start


def test_a_scrape_after_mounts_shows_each_series_with_bounded_labels(fake_azure, metrics_provider):
    provider, client, port = metrics_provider()
    # The second object names the same version as the first: answered by the mount's own read. One Key Vault
    # read (and so one token lookup) per mount.
    attributes = pod_attributes({"keyvaultName": "kv-demo", "tenantID": S.TENANT_ID,
                                 "objects": objects("app-secret") + "  - |\n    objectName: app-secret\n"
                                 "    objectType: secret\n    objectAlias: again\n"})
    client.mount(attributes, SP)
    client.mount(attributes, SP)
    with pytest.raises(grpc.RpcError):
        client.mount(pod_attributes({"keyvaultName": "kv-demo", "tenantID": S.TENANT_ID,
                                     "objects": objects("no-such-secret")}), SP)
    samples = series(scrape(port))

    for family, suffix, labels, _ in samples:
        if family in LABELS:
            assert set(labels) <= LABELS[family], (family, labels)
    # The Go provider's histograms: its buckets and constant labels.
    ok = dict(object_type="secret", error="", provider="azure", os_type="linux")
    assert [l["le"] for f, s, l, _ in samples if f == "keyvault_request" and s == "_bucket"
            and l["error"] == ""] == GO_BUCKETS
    assert value(samples, "keyvault_request", "_count", **ok) == 2
    assert value(samples, "keyvault_request", "_count", object_type="secret", error="not_found") == 1
    mount = "/v1alpha1.CSIDriverProvider/Mount"
    assert value(samples, "grpc_request", "_count", grpc_method=mount, grpc_code="OK") == 2
    assert value(samples, "grpc_request", "_count", grpc_method=mount, grpc_code="NotFound") == 1
    # The operator's counters.
    assert value(samples, "azure_provider_token_requests_total", mode="servicePrincipal", result="ok") == 1
    assert value(samples, "azure_provider_token_cache_hits_total", mode="servicePrincipal") == 2
    assert value(samples, "azure_provider_keyvault_shared_reads_total", scope="mount") == 2
    assert value(samples, "azure_provider_keyvault_responses_total", status_class="2xx") == 2
    assert value(samples, "azure_provider_keyvault_responses_total", status_class="4xx") == 1
    assert value(samples, "azure_provider_mounts_in_flight") == 0
    for name in PROCESS:
        assert value(samples, name) > 0, name
    assert 0 < value(samples, "process_resident_memory_bytes") < 1 << 30
    assert not [f for f, _, l, _ in samples if "object_name" in l]


def test_object_names_only_when_asked(fake_azure, metrics_provider):
    """`object_name` (one series per object, unbounded) is added only with --metrics-object-names."""
    _, client, port = metrics_provider("--metrics-object-names=true")
    client.mount(pod_attributes({"keyvaultName": "kv-demo", "tenantID": S.TENANT_ID,
                                 "objects": objects("db-password")}), SP)
    samples = series(scrape(port))
    assert value(samples, "keyvault_request", "_count", object_name="db-password", error="") == 1


def test_rotation_and_retries_are_counted(fake_azure, metrics_provider):
    _, client, port = metrics_provider()
    attributes = pod_attributes({"keyvaultName": "kv-demo", "tenantID": S.TENANT_ID, "objects": objects("app-secret")})
    fake_azure.inject("keyvault", "status", status=503, count=1)
    first = client.mount(attributes, SP)
    held = {v.id: "an-older-version" for v in first.object_version}
    client.mount(attributes, SP, current_versions=held)
    samples = series(scrape(port))
    assert value(samples, "azure_provider_http_retries_total", reason="server_error") == 1
    assert value(samples, "azure_provider_rotation_changes_total") == 1


def test_a_scrape_never_carries_a_secret_or_a_token(fake_azure, metrics_provider):
    """After good and failing mounts of every kind of object: no seeded value, client secret, service-account
    token, access token (JWT) or error text in the scrape."""
    _, client, port = metrics_provider()
    client.mount(pod_attributes({"keyvaultName": "kv-demo", "tenantID": S.TENANT_ID,
                                 "objects": objects("app-secret", "db-password", "json-secret", "chain-cert")}), SP)
    messages = []
    for name in ["restricted-secret", "disabled-secret", "missing"]:
        with pytest.raises(grpc.RpcError) as error:
            vault = "kv-restricted" if name == "restricted-secret" else "kv-demo"
            client.mount(pod_attributes({"keyvaultName": vault, "tenantID": S.TENANT_ID, "objects": objects(name)}), SP)
        messages.append(error.value.details())
    text = scrape(port)
    values = [v["value"] for vault in fake_azure.seed["vaults"] for s in vault.get("secrets", [])
              for v in s.get("versions", []) if isinstance(v.get("value"), str) and len(v["value"]) >= 8]
    assert values, "the seed's secret values"
    for secret in values + [S.SP_CLIENT_SECRET]:
        assert secret not in text
    assert "eyJ" not in text  # no JWT (access or service-account token)
    # Key Vault's own words (after "code X: ") never become a label, nor does the object named in them.
    for message in messages:
        words = message.split(": ")[-1]
        assert len(words) > 20 and words not in text, words
    assert "restricted-secret" not in text and "disabled-secret" not in text


def test_only_metrics_is_served(fake_azure, metrics_provider):
    _, _, port = metrics_provider()
    assert requests.get(f"http://127.0.0.1:{port}/other", timeout=5).status_code == 404
    assert requests.post(f"http://127.0.0.1:{port}/metrics", timeout=5).status_code == 405


def test_a_busy_metrics_port_stops_the_start_naming_the_flag(fake_azure, start_provider, tmp_path):
    import socket
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        port = busy.getsockname()[1]
        args, env = fake_azure_flags(fake_azure, f"--prometheus-port={port}", "--metrics-bind-address=127.0.0.1")
        provider = start_provider(*args, env=env, wait=False)
        assert provider.wait_exit(timeout=30) == 1
        assert f'cannot listen on --prometheus-port {port}: bind(descriptor:ptr:bytes:): Address already in use' \
            in provider.log()
    finally:
        busy.close()
