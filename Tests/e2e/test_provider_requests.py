"""What the provider sends to Azure, read from the fakes' request log: the User-Agent (provider name and
version, then `--custom-user-agent`), a client request id for support cases, the form body of token
requests, the IMDS and NMI headers, and proxy credentials taken from the proxy URL."""
import json
import re

import grpc
import pytest

import service_pb2
import service_pb2_grpc
from conftest import fake_azure_flags
from driver_client import DriverClient, pod_attributes
from fakeazure import FakeAzure
from fakeazure import seed as S
from provider_process import run_provider

RUNTIME_NAME = "secrets-store-csi-driver-provider-azure-swift"
CUSTOM_AGENT = "contoso-aks/1.2 (cluster=blue)"
OBJECTS = "array:\n  - |\n    objectName: db-password\n    objectType: secret\n"
SP_SECRETS = {"clientid": S.SP_CLIENT_ID, "clientsecret": S.SP_CLIENT_SECRET}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The identity modes, one class each: every fake (Entra ID, IMDS, NMI, Key Vault) gets requests.
MODES = {
    "service-principal": ({}, SP_SECRETS),
    "vm-managed-identity": ({"useVMManagedIdentity": "true"}, None),
    "pod-identity": ({"usePodIdentity": "true"}, None),
}
MOUNTS = 3  # one per mode (a plain number: assertion messages must not expand MODES and its secret)


def provider_version():
    return run_provider("--version").stdout.strip()


def mount_every_mode(client, vault="kv-demo"):
    for parameters, secrets in MODES.values():
        attributes = pod_attributes({"keyvaultName": vault, "tenantID": S.TENANT_ID, "objects": OBJECTS, **parameters})
        files = client.mount(attributes, secrets).files
        assert [(f.path, f.contents) for f in files] == [("db-password", b"s3cr3t-Pa55w0rd!")]


@pytest.fixture
def started(fake_azure, start_provider):
    """Starts a provider with extra flags against the session fakes; returns its DriverClient."""
    clients = []

    def start(*flags):
        args, env = fake_azure_flags(fake_azure, *flags)
        clients.append(DriverClient(start_provider(*args, env=env).socket_path))
        return clients[-1]
    yield start
    for client in clients:
        client.close()


@pytest.mark.parametrize("flags, expected_suffix", [
    ((), ""),
    ((f"--custom-user-agent={CUSTOM_AGENT}",), " " + CUSTOM_AGENT),
], ids=["default", "custom"])
def test_every_request_carries_the_user_agent(fake_azure, started, flags, expected_suffix):
    """`<runtime name>/<version>`, then the operator's `--custom-user-agent`, on every request to every
    service (token endpoints and Key Vault alike)."""
    mount_every_mode(started(*flags))
    agents = {(r["server"], r["headers"].get("user-agent")) for r in fake_azure.requests()}
    expected = f"{RUNTIME_NAME}/{provider_version()}{expected_suffix}"
    assert agents == {(server, expected) for server in ("entra", "imds", "nmi", "keyvault")}


def test_key_vault_requests_carry_a_client_request_id(fake_azure, started):
    """Each Key Vault request names itself with a fresh UUID in x-ms-client-request-id, the id Azure
    support asks for when a request is investigated."""
    mount_every_mode(started())
    ids = [r["headers"].get("x-ms-client-request-id", "") for r in fake_azure.requests("keyvault")]
    assert [bool(UUID.fullmatch(i)) for i in ids] == [True] * MOUNTS, ids
    assert len(set(ids)) == MOUNTS


def test_token_requests_are_what_each_service_expects(fake_azure, started):
    """Entra ID: a POST with a form body (the fake refuses other content types); IMDS: a GET with
    `Metadata: true`; NMI: a GET with the pod's name and namespace; none carries an Authorization header.
    Key Vault: a bearer token, no body."""
    mount_every_mode(started())
    by_server = {r["server"]: r for r in fake_azure.requests() if r["server"] != "keyvault"}
    assert (by_server["entra"]["method"], by_server["entra"]["headers"]["content-type"]) == (
        "POST", "application/x-www-form-urlencoded")
    assert (by_server["imds"]["method"], by_server["imds"]["headers"]["metadata"]) == ("GET", "true")
    assert (by_server["nmi"]["method"], by_server["nmi"]["headers"]["podname"], by_server["nmi"]["headers"]["podns"]) == (
        "GET", S.POD_NAME, S.POD_NAMESPACE)
    assert [("authorization" in r["headers"]) for r in by_server.values()] == [False] * 3
    vault = fake_azure.requests("keyvault")
    assert [(r["method"], r["headers"]["authorization"], "content-type" in r["headers"]) for r in vault] == [
        ("GET", "Bearer", False)] * MOUNTS


PROXY_USER = ("egress", "proxy-pass~0123456789")


@pytest.fixture(scope="module")
def authenticating_proxy():
    """Fakes whose proxy demands `egress:proxy-pass~...` (407 otherwise)."""
    with FakeAzure.start(proxy_auth=PROXY_USER) as fa:
        yield fa


def test_proxy_credentials_from_the_proxy_url_are_sent(authenticating_proxy, start_provider):
    """HTTPS_PROXY/HTTP_PROXY with user:password: the provider authenticates its CONNECT tunnels (Entra ID,
    Key Vault) and its absolute-URI IMDS request, and never logs the password."""
    fa = authenticating_proxy
    args, env = fake_azure_flags(fa, "--verbosity=5")
    provider = start_provider(*args, env=env)
    client = DriverClient(provider.socket_path)
    mount_every_mode(client, vault="kv-demo")
    client.close()
    assert fa.proxy.auth_failures == []
    assert {(host, port) for host, port, _ in fa.proxy.connections} == {
        ("login.microsoftonline.com", 443), ("kv-demo.vault.azure.net", 443), ("169.254.169.254", 80)}
    assert PROXY_USER[1] not in provider.log()


def mount_through_a_wrong_proxy_password(fa, start_provider):
    """One Mount call (no driver retries) by a provider whose proxy URL has a wrong password: (error, log)."""
    args, env = fake_azure_flags(fa)
    wrong = fa.proxy_url.replace(PROXY_USER[1], "wrong-pass")
    env.update(HTTPS_PROXY=wrong, HTTP_PROXY=wrong)
    provider = start_provider(*args, env=env)
    channel = grpc.insecure_channel("unix:" + provider.socket_path, options=[("grpc.enable_retries", 0)])
    request = service_pb2.MountRequest(
        attributes=json.dumps(pod_attributes({"keyvaultName": "kv-demo", "tenantID": S.TENANT_ID, "objects": OBJECTS})),
        secrets=json.dumps(SP_SECRETS), permission="420", target_path="/tmp/t")
    with pytest.raises(grpc.RpcError) as error:
        service_pb2_grpc.CSIDriverProviderStub(channel).Mount(request, timeout=30)
    channel.close()
    return error.value, provider.log()


def test_wrong_proxy_credentials_fail_the_mount_clearly(authenticating_proxy, start_provider):
    """A wrong proxy password: the proxy answers 407 and the mount fails naming the token request and the
    proxy's refusal, without the password."""
    fa = authenticating_proxy
    fa.proxy.auth_failures.clear()
    error, log = mount_through_a_wrong_proxy_password(fa, start_provider)
    assert (error.code(), error.details()) == (grpc.StatusCode.PERMISSION_DENIED, (
        "failed to mount objects, error: failed to get objectType:secret, objectName:db-password, objectVersion:: "
        f"ClientSecretCredential: POST https://login.microsoftonline.com/{S.TENANT_ID}/oauth2/v2.0/token: "
        "the proxy refused the credentials of HTTPS_PROXY (407)"))
    assert set(fa.proxy.auth_failures) == {"login.microsoftonline.com:443"}
    assert "wrong-pass" not in log


def test_a_proxy_refusing_the_credentials_is_asked_once(authenticating_proxy, start_provider):
    """407 is a configuration error that no retry can fix: one attempt, and an answer the driver does not
    retry at once (not UNAVAILABLE)."""
    fa = authenticating_proxy
    fa.proxy.auth_failures.clear()
    error, _ = mount_through_a_wrong_proxy_password(fa, start_provider)
    assert len(fa.proxy.auth_failures) == 1
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
