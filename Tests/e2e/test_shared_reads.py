"""A node's worth of mounts at the cost of one, through the real socket: concurrent mounts share Key Vault reads
(never across identities), a vault's Retry-After pauses all its mounts once, failed objects are all named, an
answer too large for the driver is refused, and rotation is logged."""
import concurrent.futures
import re
import time

import grpc
import pytest

import fakeazure.seed as S
from conftest import fake_azure_flags
from driver_client import DriverClient, pod_attributes
from fakeazure import FakeAzure
from test_metrics import scrape, series
from test_mount_auth import identity, mount_all, slow, token_requests, vault_requests

OBJECTS = ["app-secret", "db-password", "json-secret", "b64-secret", "hex-secret"]
KEYS_AND_CERTS = "".join(f"  - |\n    objectName: {n}\n    objectType: {t}\n" for n, t in [
    ("rsa-key", "key"), ("ec-p256-key", "key"), ("selfsigned-cert", "cert"), ("chain-cert", "cert"),
    ("chain-cert-pem", "secret")])
TEN_OBJECTS = "array:\n" + "".join(f"  - |\n    objectName: {n}\n    objectType: secret\n" for n in OBJECTS) \
    + KEYS_AND_CERTS


def class_attributes(ident, objects, vault="kv-demo"):
    return pod_attributes({"keyvaultName": vault, "tenantID": S.TENANT_ID, "objects": objects, **ident.parameters},
                          **ident.pod)


def joins(metrics_port):
    """Reads that joined another mount's read under way, by the provider's count."""
    return sum(v for f, _, labels, v in series(scrape(metrics_port))
               if f == "azure_provider_keyvault_shared_reads_total" and labels.get("scope") == "mounts")


def test_a_hundred_concurrent_mounts_of_one_class_cost_one_token_and_one_read_per_object(fake_azure, azure_provider):
    """100 pods of one identity mounting a ten-object class at once over the driver's one connection: one token
    request, one GET per object, every pod gets every file. The vault holds the first reads until the provider
    counts the other 99 mounts' 990 joins (its own counter): a mount slowed on a busy machine still joins."""
    ident = identity(fake_azure, "service-principal")
    client = DriverClient(azure_provider.socket_path)
    metrics_port = next(int(a.split("=")[1]) for a in azure_provider.args if a.startswith("--prometheus-port="))
    hold = fake_azure.inject("keyvault", "hold", count=None)
    with concurrent.futures.ThreadPoolExecutor(100) as pool:
        calls = [pool.submit(client.mount, class_attributes(ident, TEN_OBJECTS), ident.secrets) for _ in range(100)]
        assert fake_azure.wait_held(hold, count=10, timeout=30)
        deadline = time.monotonic() + 30
        while joins(metrics_port) < 990:
            assert time.monotonic() < deadline, f"{joins(metrics_port)} joins of the held reads, not 990"
            time.sleep(0.05)
        fake_azure.release(hold)
        responses = [c.result() for c in calls]
    client.close()
    paths = [sorted(f.path for f in r.files) for r in responses]
    assert paths == [sorted(OBJECTS + ["rsa-key", "ec-p256-key", "selfsigned-cert", "chain-cert", "chain-cert-pem"])] * 100
    assert len({tuple(f.contents for f in r.files) for r in responses}) == 1
    assert len(token_requests(fake_azure)) == 1
    gets = [r["path"].split("?")[0] for r in vault_requests(fake_azure)]
    assert sorted(gets) == sorted({g for g in gets}) and len(gets) == 10, gets


def test_more_concurrent_mounts_than_http2s_default_stream_limit_share_one_connection(fake_azure, azure_client):
    """A node starting 200 pods at once: the driver sends them all over one connection. The provider advertises
    a stream limit above that, so no call is refused and the connection is never torn down (NIOHTTP2 otherwise
    enforces an unadvertised 100 and answers the 101st stream with GOAWAY)."""
    ident = identity(fake_azure, "service-principal")
    one_secret = "array:\n  - |\n    objectName: app-secret\n    objectType: secret\n"

    def one(_):
        return azure_client.mount(class_attributes(ident, one_secret), ident.secrets)

    with slow(fake_azure, "keyvault", ms=1000), concurrent.futures.ThreadPoolExecutor(200) as pool:
        responses = list(pool.map(one, range(200)))
    assert [[f.path for f in r.files] for r in responses] == [["app-secret"]] * 200


def test_two_identities_never_share_a_read(fake_azure, azure_client):
    """The same class mounted concurrently by an identity the vault allows and one it refuses: each identity
    reads for itself (one read each, shared only by its own mounts); the refused pods get PERMISSION_DENIED
    and no file, the allowed pods their secret."""
    allowed = identity(fake_azure, "service-principal", client_id=S.RESTRICTED_SP_CLIENT_ID,
                       client_secret=S.RESTRICTED_SP_CLIENT_SECRET)
    denied = identity(fake_azure, "service-principal")
    objects = "array:\n  - |\n    objectName: restricted-secret\n    objectType: secret\n"

    def one(ident):
        try:
            response = azure_client.mount(class_attributes(ident, objects, vault="kv-restricted"), ident.secrets)
            return "ok", {f.path: f.contents.decode() for f in response.files}
        except grpc.RpcError as error:
            return error.code(), error.details()

    with slow(fake_azure, "keyvault", ms=1000), concurrent.futures.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(one, [allowed, denied] * 10))
    assert results[0::2] == [("ok", {"restricted-secret": "only restricted-sp may read this"})] * 10
    assert [code for code, _ in results[1::2]] == [grpc.StatusCode.PERMISSION_DENIED] * 10
    assert all("objectName:restricted-secret" in details and "403" in details for _, details in results[1::2])
    assert sorted(r["status"] for r in vault_requests(fake_azure)) == [200, 403]


def test_a_retry_after_pauses_every_mount_of_the_vault_once(fake_azure, azure_client):
    """Key Vault answers one read 429 with Retry-After: 2. The other mounts of that vault, started during the
    pause, wait it out instead of each finding out with a request of its own: no Key Vault request arrives
    during the pause, only one 429 is ever seen, and every mount succeeds."""
    ident = identity(fake_azure, "service-principal")
    azure_client.mount(class_attributes(ident, "array:\n  - |\n    objectName: app-secret\n    objectType: secret\n"),
                       ident.secrets)  # token cached: the pause is all that delays the mounts below
    fake_azure.clear_requests()
    fake_azure.inject("keyvault", "status", status=429, retry_after=2, count=1, path_contains="/secrets/app-secret")
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        first = pool.submit(azure_client.mount, class_attributes(
            ident, "array:\n  - |\n    objectName: app-secret\n    objectType: secret\n"), ident.secrets)
        time.sleep(0.3)
        others = [pool.submit(azure_client.mount, class_attributes(
            ident, f"array:\n  - |\n    objectName: {name}\n    objectType: secret\n"), ident.secrets)
            for name in OBJECTS[1:]]
        responses = [first.result()] + [f.result() for f in others]
    assert [r.files[0].path for r in responses] == OBJECTS
    assert time.monotonic() - started >= 2
    requests = vault_requests(fake_azure)
    assert [r["status"] for r in requests].count(429) == 1
    throttled_at = requests[0]["time"]
    assert requests[0]["status"] == 429
    assert all(r["time"] - throttled_at >= 1.9 for r in requests[1:]), [(r["path"], r["time"]) for r in requests]


def test_every_failed_object_is_named_in_class_order(fake_azure, azure_client):
    """Two of three objects are missing: the error names both, in the class's order, with the Go provider's
    words for each, and the first one's code; no file is returned."""
    ident = identity(fake_azure, "service-principal")
    objects = ("array:\n  - |\n    objectName: missing-one\n    objectType: secret\n"
               "  - |\n    objectName: app-secret\n    objectType: secret\n"
               "  - |\n    objectName: missing-two\n    objectType: key\n")
    with pytest.raises(grpc.RpcError) as error:
        azure_client.mount(class_attributes(ident, objects), ident.secrets)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
    details = error.value.details()
    assert details.startswith("failed to mount objects, error: failed to get objectType:secret, objectName:missing-one, "
                              "objectVersion:: status 404, code SecretNotFound: ")
    assert "; failed to get objectType:key, objectName:missing-two, objectVersion:: status 404, code KeyNotFound: " \
        in details
    assert details.index("missing-one") < details.index("missing-two")
    assert "app-secret" not in details


BIG = "x" * 1_500_000


@pytest.fixture(scope="module")
def private_vault():
    """Fakes of their own (changing them cannot disturb other tests), whose vault holds secrets too large to
    mount together and a small one."""
    seed = {
        "tenant_id": S.TENANT_ID,
        "identities": {"sp": {"type": "application", "client_id": S.SP_CLIENT_ID,
                              "object_id": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d", "client_secret": S.SP_CLIENT_SECRET}},
        "vaults": [{"name": "kv-big", "access": ["sp"],
                    "secrets": [{"name": n, "versions": [{"value": BIG if n != "small" else "small"}]}
                                for n in ["big-a", "big-b", "big-c", "small"]]}],
    }
    with FakeAzure.start(seed=seed) as fa:
        yield fa


def private_client(fa, start_provider):
    args, env = fake_azure_flags(fa)
    provider = start_provider(*args, env=env)
    return provider, DriverClient(provider.socket_path)


def private_attributes(names):
    objects = "array:\n" + "".join(f"  - |\n    objectName: {n}\n    objectType: secret\n" for n in names)
    return pod_attributes({"keyvaultName": "kv-big", "tenantID": S.TENANT_ID, "objects": objects})


PRIVATE_SECRETS = {"clientid": S.SP_CLIENT_ID, "clientsecret": S.SP_CLIENT_SECRET}


def big_mount(fa, start_provider, names):
    provider, client = private_client(fa, start_provider)
    try:
        return provider, client.mount(private_attributes(names), PRIVATE_SECRETS), None
    except grpc.RpcError as error:
        return provider, None, error
    finally:
        client.close()


def test_an_answer_larger_than_the_driver_accepts_is_refused_naming_the_largest_files(private_vault, start_provider):
    """Three 1.5 MB secrets make an answer over the driver's default 4 MiB receive limit: refused with the
    largest files named, instead of an answer the driver would drop."""
    _, response, error = big_mount(private_vault, start_provider, ["small", "big-a", "big-b", "big-c"])
    assert response is None
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert re.fullmatch(r"failed to mount objects, error: the mount's answer would be \d+ bytes, more than the "
                        r"4194304 bytes the driver accepts; largest files: big-a \(1500000 bytes\), "
                        r"big-b \(1500000 bytes\), big-c \(1500000 bytes\)", error.details()), error.details()


def test_an_answer_over_a_kubernetes_secrets_size_is_served_with_a_warning(private_vault, start_provider):
    """Over 1 MiB the files still reach the driver, but a Secret synced from them would be refused by the API
    server: the provider says so in its log, without the value."""
    provider, response, error = big_mount(private_vault, start_provider, ["big-a"])
    assert error is None and [f.path for f in response.files] == ["big-a"]
    log = provider.log()
    assert re.search(r" warning mount is larger than a Kubernetes Secret can hold .*largest=\"big-a \(1500000 bytes\)\"",
                     log), log
    assert BIG[:64] not in log


def test_rotation_logs_the_objects_whose_version_changed(private_vault, start_provider):
    """The driver sends the versions it holds with each rotation poll: a new version of one object is logged
    once, as `<id>: <old> -> <new>`; a poll that changes nothing logs no such line."""
    provider, client = private_client(private_vault, start_provider)
    attributes = private_attributes(["small"])
    first = client.mount(attributes, PRIVATE_SECRETS)
    held = {v.id: v.version for v in first.object_version}
    client.mount(attributes, PRIVATE_SECRETS, current_versions=held)
    assert "object versions changed" not in provider.log()
    new_version = private_vault.add_version("kv-big", "secrets", "small", "rotated")
    rotated = client.mount(attributes, PRIVATE_SECRETS, current_versions=held)
    client.close()
    assert [(v.id, v.version) for v in rotated.object_version] == [("secret/small", new_version)]
    changed = [line for line in provider.log().splitlines() if "object versions changed" in line]
    assert len(changed) == 1, changed
    assert f'changes="secret/small: {held["secret/small"]} -> {new_version}"' in changed[0]


def test_one_info_line_per_mount_says_what_it_cost(fake_azure, azure_provider, azure_client):
    """Each mount logs one info line with the pod, class, identity mode, objects, duration, result, the Key
    Vault requests it sent and the reads it shared."""
    ident = identity(fake_azure, "service-principal")
    objects = ("array:\n  - |\n    objectName: app-secret\n    objectType: secret\n"
               "  - |\n    objectName: app-secret\n    objectType: secret\n    objectAlias: again\n")
    azure_client.mount(class_attributes(ident, objects), ident.secrets)
    lines = [line for line in azure_provider.log().splitlines() if " info mount " in line]
    assert len(lines) == 1, lines
    assert re.search(r"class=azure-kv .*duration_ms=\d+ identity=\"service principal\" objects=2 pod=default/demo-pod "
                     r"requests=1 result=OK shared_reads=1", lines[0]), lines[0]
