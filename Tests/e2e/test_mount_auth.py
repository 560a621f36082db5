"""Authentication end to end (issue 7): every identity mode and every cloud, through the real provider binary
on a real Unix socket, against the fake Entra ID / IMDS (through the proxy) and NMI (`--nmi-port`).

What is counted: the fakes' request log. "Token requests" are the requests that reached Entra ID, IMDS or
NMI; every mode must need exactly one per identity while its token is fresh, whatever the concurrency.

Run `pytest -s -k figures` to print the token requests per mount (cold and warm cache) for every mode.
"""
import concurrent.futures
import contextlib
import datetime
import json
import re
import time
from dataclasses import dataclass, field

import grpc
import pytest

from conftest import fake_azure_flags
from driver_client import DriverClient, pod_attributes
from fakeazure import FakeAzure
from fakeazure import seed as S
from provider_process import ProviderProcess

AUDIENCE = S.TOKEN_EXCHANGE_AUDIENCE
TOKENS_KEY = "csi.storage.k8s.io/serviceAccount.tokens"
IDENTITY_SERVERS = ("entra", "imds", "nmi")
MODES = ["service-principal", "workload-identity", "vm-system-assigned", "vm-user-assigned", "pod-identity"]
STACK_ENV = {"name": "AzureStackCloud", "activeDirectoryEndpoint": "https://login.stack.test/",
             "keyVaultEndpoint": "https://vault.stack.test/", "keyVaultDNSSuffix": "vault.stack.test"}


@dataclass(frozen=True)
class Cloud:
    name: str
    vault: str
    secret: str
    value: str
    authority: str      # host of the Entra ID token endpoint
    suffix: str         # Key Vault DNS suffix, also the IMDS/NMI resource host


CLOUDS = [
    Cloud("AzurePublicCloud", "kv-demo", "db-password", "s3cr3t-Pa55w0rd!", "login.microsoftonline.com", "vault.azure.net"),
    Cloud("AzureUSGovernmentCloud", "kv-gov", "gov-secret", "hello from usgov", "login.microsoftonline.us",
          "vault.usgovcloudapi.net"),
    Cloud("AzureChinaCloud", "kv-china", "china-secret", "hello from china", "login.chinacloudapi.cn", "vault.azure.cn"),
    Cloud("AzureGermanCloud", "kv-german", "german-secret", "hello from germany", "login.microsoftonline.de",
          "vault.microsoftazure.de"),
    Cloud("AzureStackCloud", "kv-stack", "stack-secret", "hello from azure stack", "login.stack.test", "vault.stack.test"),
]
PUBLIC = CLOUDS[0]
RESTRICTED = Cloud("AzurePublicCloud", "kv-restricted", "restricted-secret", "only restricted-sp may read this",
                   "login.microsoftonline.com", "vault.azure.net")   # only restricted-sp has access


# ---------------------------------------------------------------- identities and mounts

@dataclass
class Identity:
    """What a pod + SecretProviderClass bring for one identity mode."""
    mode: str
    server: str                       # the fake that issues its tokens: entra, imds or nmi
    parameters: dict                  # class parameters selecting the mode
    secrets: dict | None = None       # the nodePublishSecretRef secret
    pod: dict = field(default_factory=dict)   # pod_attributes() keyword arguments


def rfc3339(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sa_tokens(token, audience=AUDIENCE, lifetime=3600):
    """The driver's csi.storage.k8s.io/serviceAccount.tokens value (as a dict)."""
    return {audience: {"token": token, "expirationTimestamp": rfc3339(time.time() + lifetime)}}


def identity(fa, mode, pod_name="demo-pod", namespace=None, service_account=None, issuer=None,
             jwt_audience=AUDIENCE, lifetime=3600, client_id=None, client_secret=None):
    """An identity of `mode` that the default seed grants on every vault (overrides make it wrong)."""
    if mode == "service-principal":
        return Identity(mode, "entra", {}, {"clientid": client_id or S.SP_CLIENT_ID,
                                            "clientsecret": client_secret or S.SP_CLIENT_SECRET})
    if mode == "workload-identity":
        namespace = namespace or S.WORKLOAD_NAMESPACE
        service_account = service_account or S.WORKLOAD_SERVICE_ACCOUNT
        token = fa.mint_service_account_token(namespace, service_account, audience=jwt_audience,
                                              lifetime_seconds=lifetime, issuer=issuer, pod=pod_name)
        return Identity(mode, "entra", {"clientID": client_id or S.WORKLOAD_CLIENT_ID},
                        pod=dict(pod_name=pod_name, namespace=namespace, service_account=service_account,
                                 tokens=sa_tokens(token, lifetime=lifetime)))
    if mode == "vm-system-assigned":
        return Identity(mode, "imds", {"useVMManagedIdentity": "true"})
    if mode == "vm-user-assigned":
        return Identity(mode, "imds", {"useVMManagedIdentity": "true",
                                       "userAssignedIdentityID": client_id or S.USER_MI_CLIENT_ID})
    if mode == "pod-identity":
        return Identity(mode, "nmi", {"usePodIdentity": "true"},
                        pod=dict(pod_name=pod_name, namespace=namespace or S.POD_NAMESPACE))
    raise ValueError(mode)


def sa_token_of(ident):
    return ident.pod["tokens"][AUDIENCE]["token"]


def objects_yaml(names):
    return "array:\n" + "".join(f"  - |\n    objectName: {n}\n    objectType: secret\n" for n in names)


def attributes(ident, cloud=PUBLIC, objects=None, **extra):
    parameters = {"keyvaultName": cloud.vault, "tenantID": S.TENANT_ID,
                  "objects": objects_yaml(objects or [cloud.secret]), **ident.parameters, **extra}
    if cloud.name != PUBLIC.name:
        parameters["cloudName"] = cloud.name
    return pod_attributes(parameters, **ident.pod)


FROM_IDENTITY = object()


def mount(client, ident, secrets=FROM_IDENTITY, **kw):
    """Mounts and returns {path: text}; `secrets` replaces the identity's nodePublishSecretRef secret."""
    response = client.mount(attributes(ident, **kw), ident.secrets if secrets is FROM_IDENTITY else secrets)
    return {f.path: f.contents.decode() for f in response.files}


def mount_error(client, ident, **kw):
    """Mounts, expects a failure, returns (grpc code, details)."""
    with pytest.raises(grpc.RpcError) as error:
        mount(client, ident, **kw)
    return error.value.code(), error.value.details()


def mount_all(client, jobs):
    """Mounts every (identity, kwargs) job at once; returns ("ok", files) or (code, details) per job, in order."""
    def one(job):
        ident, kw = job
        try:
            return "ok", mount(client, ident, **kw)
        except grpc.RpcError as e:
            return e.code(), e.details()
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(one, jobs))


@contextlib.contextmanager
def slow(fa, *servers, ms=400):
    """Adds latency to the servers, so that concurrent mounts really overlap the requests they wait for."""
    for server in servers:
        fa.set_latency(ms, server=server)
    try:
        yield
    finally:
        for server in servers:
            fa.set_latency(0, server=server)


def token_requests(fa):
    """Requests that reached Entra ID, IMDS or NMI, in order."""
    return [r for r in fa.requests() if r["server"] in IDENTITY_SERVERS]


def vault_requests(fa, status=None):
    return [r for r in fa.requests() if r["server"] == "keyvault" and status in (None, r["status"])]


def expected_token_request(ident, cloud):
    """(server, host, path) of the token request of `ident` in `cloud`."""
    resource = f"https://{cloud.suffix}"
    if ident.server == "entra":
        return "entra", cloud.authority, f"/{S.TENANT_ID}/oauth2/v2.0/token"
    if ident.server == "imds":
        path = f"/metadata/identity/oauth2/token?api-version=2018-02-01&resource={resource}"
        if "userAssignedIdentityID" in ident.parameters:
            path += f"&client_id={ident.parameters['userAssignedIdentityID']}"
        return "imds", "169.254.169.254", path
    return "nmi", None, f"/host/token/?resource={resource}"


@pytest.fixture(scope="module")
def stack_env_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("stack") / "azurestackcloud.json"
    path.write_text(json.dumps(STACK_ENV))
    return str(path)


def cloud_extra(cloud, stack_env_file):
    return {"cloudEnvFileName": stack_env_file} if cloud.name == "AzureStackCloud" else {}


@pytest.fixture(scope="module")
def shared_provider(fake_azure):
    """One provider for the cloud x mode matrix: every combination is a distinct identity or scope, so each
    test starts with a cold cache for what it mounts."""
    args, env = fake_azure_flags(fake_azure)
    process = ProviderProcess(args=args, env=env).start()
    client = DriverClient(process.socket_path)
    yield process, client
    client.close()
    process.stop()


def assert_no_credentials_in(text, *credentials):
    """No JWT (header `{"` base64url-encodes to eyJ), no client secret, no service-account token."""
    assert "eyJ" not in text, "a JWT reached the provider's output"
    for credential in credentials:
        assert credential not in text, "a credential reached the provider's output"
        if credential.count(".") == 2:  # a JWT: its signature alone must not leak either
            assert credential.rsplit(".", 1)[1] not in text


# ---------------------------------------------------------------- every mode in every cloud

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cloud", CLOUDS, ids=lambda c: c.name)
def test_every_mode_mounts_in_every_cloud(fake_azure, shared_provider, stack_env_file, cloud, mode):
    """Each mode gets its token from the right endpoint of the cloud (Entra authority host, or IMDS/NMI with
    the cloud's Key Vault resource) in exactly one request, and Key Vault accepts it on the first try."""
    _, client = shared_provider
    ident = identity(fake_azure, mode)
    files = mount(client, ident, cloud=cloud, **cloud_extra(cloud, stack_env_file))
    assert files == {cloud.secret: cloud.value}
    server, host, path = expected_token_request(ident, cloud)
    requests = token_requests(fake_azure)
    assert [(r["server"], r["path"], r["status"]) for r in requests] == [(server, path, 200)]
    if host:
        assert requests[0]["host"] == host
    assert [(r["host"], r["status"]) for r in vault_requests(fake_azure)] == [(f"{cloud.vault}.{cloud.suffix}", 200)]


@pytest.mark.parametrize("cloud", CLOUDS[1:4], ids=lambda c: c.name)
def test_cloud_name_flag_is_the_default_cloud(fake_azure, start_provider, cloud):
    """`--cloud-name` applies to classes without cloudName: the token comes from that cloud's authority."""
    args, env = fake_azure_flags(fake_azure, f"--cloud-name={cloud.name}")
    client = DriverClient(start_provider(*args, env=env).socket_path)
    ident = identity(fake_azure, "service-principal")
    parameters = {"keyvaultName": cloud.vault, "tenantID": S.TENANT_ID, "objects": objects_yaml([cloud.secret])}
    response = client.mount(pod_attributes(parameters), ident.secrets)
    assert [f.contents.decode() for f in response.files] == [cloud.value]
    assert [r["host"] for r in token_requests(fake_azure)] == [cloud.authority]


# ---------------------------------------------------------------- mode selection and parameter errors

def test_service_account_tokens_in_the_secrets_map(fake_azure, azure_client):
    """Driver v1.6 may put csi.storage.k8s.io/serviceAccount.tokens into the secrets map: workload identity
    reads it there (and does not mistake it for a service principal secret)."""
    ident = identity(fake_azure, "workload-identity")
    tokens = ident.pod.pop("tokens")
    secrets = {TOKENS_KEY: json.dumps(tokens)}
    assert mount(azure_client, ident, secrets=secrets) == {"db-password": "s3cr3t-Pa55w0rd!"}
    assert [r["server"] for r in token_requests(fake_azure)] == ["entra"]


def test_service_principal_secret_keys_are_case_insensitive(fake_azure, azure_client):
    """`ClientID`/`ClientSecret` work like `clientid`/`clientsecret`, as in the Go provider."""
    ident = identity(fake_azure, "service-principal")
    secrets = {"ClientID": S.SP_CLIENT_ID, "CLIENTSECRET": S.SP_CLIENT_SECRET}
    assert mount(azure_client, ident, secrets=secrets) == {"db-password": "s3cr3t-Pa55w0rd!"}


SP_SECRET = {"clientid": S.SP_CLIENT_ID, "clientsecret": S.SP_CLIENT_SECRET}
# restricted-sp cannot read kv-demo: a mount that wrongly used it would fail with 403.
RESTRICTED_SECRET = {"clientid": S.RESTRICTED_SP_CLIENT_ID, "clientsecret": S.RESTRICTED_SP_CLIENT_SECRET}


@pytest.mark.parametrize("parameters, with_tokens, secrets, server", [
    ({"clientID": S.WORKLOAD_CLIENT_ID}, True, RESTRICTED_SECRET, "entra"),
    ({"useVMManagedIdentity": "true", "clientID": S.WORKLOAD_CLIENT_ID}, True, None, "imds"),
    ({"useVMManagedIdentity": "TRUE"}, False, RESTRICTED_SECRET, "imds"),
    ({"usePodIdentity": "1", "clientID": S.WORKLOAD_CLIENT_ID}, True, None, "nmi"),
    ({"usePodIdentity": "false", "useVMManagedIdentity": "False"}, False, SP_SECRET, "entra"),
], ids=["clientID-beats-sp-secret", "vm-beats-clientID", "vm-TRUE", "pod-1", "flags-false-sp"])
def test_mode_selection_as_the_go_provider(fake_azure, azure_client, parameters, with_tokens, secrets, server):
    """The use* flags (Go ParseBool spellings) pick the mode before clientID; with none, clientID + token
    picks workload identity before the nodePublishSecretRef secret; all flags false: service principal."""
    token = fake_azure.mint_service_account_token(S.WORKLOAD_NAMESPACE, S.WORKLOAD_SERVICE_ACCOUNT)
    pod = dict(service_account=S.WORKLOAD_SERVICE_ACCOUNT, tokens=sa_tokens(token) if with_tokens else None)
    ident = Identity("selected", server, dict(parameters), secrets, pod)
    assert mount(azure_client, ident) == {"db-password": "s3cr3t-Pa55w0rd!"}
    assert [r["server"] for r in token_requests(fake_azure)] == [server]


# Only a token for another audience (the identity-binding one); never sent anywhere, so any text will do.
BINDING_TOKENS = {"api://AKSIdentityBinding": {"token": "binding.token.unchecked", "expirationTimestamp": "2030-01-01T00:00:00Z"}}
WI_FIX = ('workload identity (clientID is set) needs it: add audience "api://AzureADTokenExchange" to the CSIDriver\'s '
          "spec.tokenRequests (Helm chart of the driver: tokenRequests[].audience) so the driver sends the pod's token")
NOT_AN_OBJECT = ("failed to unmarshal service account tokens, error: csi.storage.k8s.io/serviceAccount.tokens is not a "
                 "JSON object of audiences")
NO_SP_SECRET = ("failed to get credentials, nodePublishSecretRef secret is not set (no identity mode is enabled, so a "
                "service principal is used): set clientID for workload identity, useVMManagedIdentity: \"true\" for a VM "
                "managed identity, or reference a secret with clientid and clientsecret in the volume's nodePublishSecretRef")


def missing_sp_key(key, present):
    return (f"could not find {key} in nodePublishSecretRef secret (keys present: {present}); the secret needs "
            "non-empty clientid and clientsecret")


@pytest.mark.parametrize("mode, change, expected", [
    ("workload-identity", {"tokens": None},
     "csi.storage.k8s.io/serviceAccount.tokens: service account tokens not found: "
     + WI_FIX.replace("needs it: add", "needs a token for audience api://AzureADTokenExchange; add")),
    ("workload-identity", {"raw_tokens": "{not json"}, NOT_AN_OBJECT),
    ("workload-identity", {"raw_tokens": '["api://AzureADTokenExchange"]'}, NOT_AN_OBJECT),
    ("workload-identity", {"tokens": BINDING_TOKENS},
     "csi.storage.k8s.io/serviceAccount.tokens: token for audience api://AzureADTokenExchange not found (audiences "
     'sent: "api://AKSIdentityBinding"); ' + WI_FIX),
    ("service-principal", {"secrets": None}, NO_SP_SECRET),
    ("service-principal", {"secrets": {}}, NO_SP_SECRET),
    ("service-principal", {"secrets": {"clientid": S.SP_CLIENT_ID}}, missing_sp_key("clientsecret", "clientid")),
    ("service-principal", {"secrets": {"clientsecret": S.SP_CLIENT_SECRET}}, missing_sp_key("clientid", "clientsecret")),
    ("service-principal", {"secrets": {"clientid": S.SP_CLIENT_ID, "clientsecret": "  \n"}},
     missing_sp_key("clientsecret", "clientid, clientsecret")),
    ("vm-system-assigned", {"parameters": {"usePodIdentity": "true"}},
     "only one identity mode can be enabled at a time: usePodIdentity and useVMManagedIdentity are both set to true; keep one"),
    # Identity binding reads its own audience: the workload identity token the driver sent is not used.
    ("workload-identity", {"parameters": {"useAzureTokenProxy": "true"}},
     "csi.storage.k8s.io/serviceAccount.tokens: token for audience api://AKSIdentityBinding not found (audiences "
     'sent: "api://AzureADTokenExchange"); identity binding (useAzureTokenProxy) needs it: add audience '
     '"api://AKSIdentityBinding" to the CSIDriver\'s spec.tokenRequests (Helm chart of the driver: '
     "tokenRequests[].audience) so the driver sends the pod's token"),
], ids=["wi-no-tokens", "wi-malformed", "wi-not-an-object", "wi-no-audience", "sp-no-secret", "sp-empty-secret",
        "sp-no-clientsecret", "sp-no-clientid", "sp-blank-clientsecret", "two-modes", "identity-binding"])
def test_configuration_errors_are_clear_and_cost_no_request(fake_azure, azure_client, mode, change, expected):
    """Missing, malformed or incomplete identity configuration fails the mount with INVALID_ARGUMENT and a
    message naming what is missing and the fix; no identity endpoint is called; no credential is echoed.
    `change`: extra class parameters, the tokens attribute replaced (None: absent) or sent raw, the secret."""
    ident = identity(fake_azure, mode)
    ident.parameters.update(change.get("parameters", {}))
    if "tokens" in change:
        ident.pod["tokens"] = change["tokens"]
    attrs = attributes(ident)
    if "raw_tokens" in change:
        attrs[TOKENS_KEY] = change["raw_tokens"]
    with pytest.raises(grpc.RpcError) as error:
        azure_client.mount(attrs, change.get("secrets", ident.secrets))
    assert (error.value.code(), error.value.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT, "failed to mount objects, error: " + expected)
    assert_no_credentials_in(error.value.details(), S.SP_CLIENT_SECRET)
    assert token_requests(fake_azure) == [] and vault_requests(fake_azure) == []


# ---------------------------------------------------------------- rejections by the identity services

TOKEN_POST = f"POST https://login.microsoftonline.com/{S.TENANT_ID}/oauth2/v2.0/token"
IMDS_GET = "GET http://169.254.169.254/metadata/identity/oauth2/token"


def entra_refusal(credential, status, error, code):
    """The provider's words and Entra ID's status, error and AADSTS code; the description that follows is
    Entra's own text (with times in it), so the message is checked up to the code."""
    return f"{credential} authentication failed: {TOKEN_POST}: status {status}, error: {error}, AADSTS{code}: ", False


WI_NO_MATCH = entra_refusal("WorkloadIdentityCredential", 401, "invalid_client", 700213)


@pytest.mark.parametrize("mode, overrides, expected", [
    ("workload-identity", {"namespace": "other-ns"}, WI_NO_MATCH),
    ("workload-identity", {"service_account": "other-sa"}, WI_NO_MATCH),
    ("workload-identity", {"issuer": "https://oidc.other-cluster.test/"},
     entra_refusal("WorkloadIdentityCredential", 401, "invalid_client", 700211)),
    ("workload-identity", {"jwt_audience": "api://SomethingElse"},
     entra_refusal("WorkloadIdentityCredential", 401, "invalid_client", 700212)),
    ("workload-identity", {"lifetime": -600}, entra_refusal("WorkloadIdentityCredential", 401, "invalid_client", 700024)),
    ("workload-identity", {"client_id": "00000000-0000-4000-8000-0000000000aa"},
     entra_refusal("WorkloadIdentityCredential", 400, "unauthorized_client", 700016)),
    ("service-principal", {"client_secret": "wrong-secret~0123456789abcdefghijkl"},
     entra_refusal("ClientSecretCredential", 401, "invalid_client", 7000215)),
    ("service-principal", {"client_id": "00000000-0000-4000-8000-0000000000bb"},
     entra_refusal("ClientSecretCredential", 400, "unauthorized_client", 700016)),
    ("vm-user-assigned", {"client_id": "00000000-0000-4000-8000-0000000000cc"},
     ("ManagedIdentityCredential authentication failed for user-assigned identity 00000000-0000-4000-8000-0000000000cc: "
      f"{IMDS_GET}: status 400, error: invalid_request, Identity not found", True)),
    ("pod-identity", {"pod_name": "unbound-pod"},
     ("nmi response failed with status code: 404, response body: no AzureAssignedIdentity found for "
      "pod:default/unbound-pod in assigned state", True)),
], ids=["wi-wrong-namespace", "wi-wrong-service-account", "wi-wrong-issuer", "wi-wrong-audience", "wi-expired",
        "wi-unknown-app", "sp-wrong-secret", "sp-unknown-app", "vm-unknown-user-assigned", "pod-unbound"])
def test_rejected_identities_fail_clearly_without_retrying(fake_azure, azure_provider, azure_client, mode, overrides, expected):
    """A definitive rejection (Entra 400/401, IMDS 400, NMI 404) fails the mount with UNAUTHENTICATED, quotes
    the service's reason, is asked exactly once (not retried), reads nothing from Key Vault and leaks no
    credential into the error or the log."""
    ident = identity(fake_azure, mode, **overrides)
    code, details = mount_error(azure_client, ident)
    text, whole = expected
    message = f"failed to mount objects, error: failed to get objectType:secret, objectName:db-password, objectVersion:: {text}"
    assert code == grpc.StatusCode.UNAUTHENTICATED
    assert details == message if whole else details.startswith(message), details
    assert len(token_requests(fake_azure)) == 1 and vault_requests(fake_azure) == []
    credentials = [ident.secrets["clientsecret"]] if ident.secrets else []
    if mode == "workload-identity":
        credentials.append(sa_token_of(ident))
    assert_no_credentials_in(details, *credentials)
    assert_no_credentials_in(azure_provider.log(), *credentials)


@pytest.mark.parametrize("mode, server, statuses", [
    ("vm-system-assigned", "imds", [410, 410]),
    ("vm-user-assigned", "imds", [404]),
    ("vm-system-assigned", "imds", [429]),
    ("vm-system-assigned", "imds", [500]),
    ("vm-user-assigned", "imds", [503]),
    ("service-principal", "entra", [503]),
    ("pod-identity", "nmi", [503]),
], ids=["imds-410-410", "imds-404", "imds-429", "imds-500", "imds-503", "entra-503", "nmi-503"])
def test_transient_identity_failures_are_retried(fake_azure, azure_client, mode, server, statuses):
    """IMDS answers 404/410/429/5xx while it is busy or updating; Entra and NMI 5xx: the provider retries and
    the mount succeeds, with one request per failure plus the successful one."""
    for status in statuses:
        fake_azure.inject(server, "status", count=1, status=status)
    assert mount(azure_client, identity(fake_azure, mode)) == {"db-password": "s3cr3t-Pa55w0rd!"}
    assert [r["status"] for r in token_requests(fake_azure)] == [*statuses, 200]


def test_imds_that_stays_throttled_fails_after_bounded_retries(fake_azure, azure_client):
    """IMDS throttling that never ends (429 with Retry-After: 0, to keep the test fast): the provider retries
    a bounded number of times, then fails the mount with RESOURCE_EXHAUSTED naming the status (not
    UNAVAILABLE, which the driver's retry policy would repeat at once, multiplying the load)."""
    fake_azure.inject("imds", "status", count=None, status=429, retry_after=0)
    code, details = mount_error(azure_client, identity(fake_azure, "vm-system-assigned"))
    assert (code, details) == (grpc.StatusCode.RESOURCE_EXHAUSTED, (
        "failed to mount objects, error: failed to get objectType:secret, objectName:db-password, objectVersion:: "
        f"ManagedIdentityCredential authentication failed for system-assigned identity: {IMDS_GET}: status 429, "
        "error: too_many_requests, Too many requests"))
    # Azure asks IMDS clients to keep retrying for about 70 s: the policy's 13 attempts (Retry-After 0 here).
    assert [r["status"] for r in token_requests(fake_azure)] == [429] * 13


def test_pod_identity_deprecation_is_logged_once_per_class(fake_azure, azure_provider, azure_client):
    """usePodIdentity uses the archived aad-pod-identity: a deprecation warning is logged once per
    SecretProviderClass, not once per mount."""
    ident = identity(fake_azure, "pod-identity")
    for _ in range(3):
        mount(azure_client, ident)

    def warnings():
        return [line for line in azure_provider.log().splitlines()
                if re.search("deprecat", line, re.I) and re.search("pod.?identity", line, re.I)]
    assert len(warnings()) == 1, azure_provider.log()
    other_class = attributes(ident)
    other_class["secretProviderClass"] = "another-class"
    azure_client.mount(other_class, None)
    assert len(warnings()) == 2, azure_provider.log()


# ---------------------------------------------------------------- token cache

@pytest.mark.parametrize("mode", MODES)
def test_fifty_concurrent_mounts_of_one_identity_make_one_token_request(fake_azure, azure_client, mode):
    """Single flight: 50 pods of one identity mounting at once while the identity endpoint and the vault are
    slow share one token request and one Key Vault read; every mount succeeds."""
    ident = identity(fake_azure, mode)
    with slow(fake_azure, ident.server, "keyvault", ms=1000):
        results = mount_all(azure_client, [(ident, {})] * 50)
    assert results == [("ok", {"db-password": "s3cr3t-Pa55w0rd!"})] * 50
    assert len(token_requests(fake_azure)) == 1
    assert len(vault_requests(fake_azure, 200)) == 1


def two_service_principals(fa):
    return ([(identity(fa, "service-principal"), {})] * 10
            + [(identity(fa, "service-principal", client_id=S.RESTRICTED_SP_CLIENT_ID,
                         client_secret=S.RESTRICTED_SP_CLIENT_SECRET),
                {"cloud": RESTRICTED})] * 10)


def two_pods_service_account_tokens(fa):
    # Same app, same service account, two pods: two different service-account tokens.
    return [(identity(fa, "workload-identity", pod_name="pod-a"), {})] * 10 \
        + [(identity(fa, "workload-identity", pod_name="pod-b"), {})] * 10


def vm_system_and_user_assigned(fa):
    return [(identity(fa, "vm-system-assigned"), {})] * 10 + [(identity(fa, "vm-user-assigned"), {})] * 10


def two_pod_identity_pods(fa):
    # The NMI binds only demo-pod; a second pod of the same name in another namespace is another identity.
    return [(identity(fa, "pod-identity"), {})] * 10 + [(identity(fa, "pod-identity", namespace="other-ns"), {})] * 10


@pytest.mark.parametrize("jobs, outcome", [
    (two_service_principals, ["ok"] * 20),
    (two_pods_service_account_tokens, ["ok"] * 20),
    (vm_system_and_user_assigned, ["ok"] * 20),
    (two_pod_identity_pods, ["ok"] * 10 + [grpc.StatusCode.UNAUTHENTICATED] * 10),
], ids=["two-service-principals", "two-sa-tokens", "vm-system-and-user", "pod-identity-two-pods"])
def test_two_identities_mounting_concurrently_make_two_token_requests(fake_azure, azure_client, jobs, outcome):
    """The cache key separates identities: 10 + 10 concurrent mounts of two identities cost exactly two
    token requests (the pod-identity case: the second pod is not bound, so its mounts fail and its one
    shared request is its own)."""
    job_list = jobs(fake_azure)
    with slow(fake_azure, *IDENTITY_SERVERS):
        results = mount_all(azure_client, job_list)
    assert [r[0] for r in results] == outcome
    assert len(token_requests(fake_azure)) == 2


@pytest.mark.parametrize("intruder, aadsts", [
    ({"namespace": "intruder-ns"}, 700213),
    ({"issuer": "https://oidc.other-cluster.test/"}, 700211),
    ({"lifetime": -600}, 700024),
], ids=["wrong-namespace", "wrong-issuer", "expired"])
def test_a_rejected_pod_never_gets_another_pods_cached_token(fake_azure, azure_client, intruder, aadsts):
    """Same clientID, different service-account tokens: while a legitimate pod's token is being fetched and
    after it is cached, a pod whose service-account token Entra ID rejects fails every mount; the
    legitimate pod's mounts all succeed."""
    good = identity(fake_azure, "workload-identity", pod_name="good-pod")
    bad = identity(fake_azure, "workload-identity", pod_name="bad-pod", **intruder)
    with slow(fake_azure, "entra", "keyvault", ms=1000):
        results = mount_all(azure_client, [(good, {}), (bad, {})] * 10)
    refusal = ("failed to mount objects, error: failed to get objectType:secret, objectName:db-password, objectVersion:: "
               + entra_refusal("WorkloadIdentityCredential", 401, "invalid_client", aadsts)[0])
    assert results[0::2] == [("ok", {"db-password": "s3cr3t-Pa55w0rd!"})] * 10
    assert [(code, details.startswith(refusal)) for code, details in results[1::2]] == [
        (grpc.StatusCode.UNAUTHENTICATED, True)] * 10
    # With the good token cached, the bad pod is still asked about, and still refused.
    before = len(token_requests(fake_azure))
    code, details = mount_error(azure_client, bad)
    assert (code, details.startswith(refusal)) == (grpc.StatusCode.UNAUTHENTICATED, True)
    assert len(token_requests(fake_azure)) == before + 1
    assert mount(azure_client, good) == {"db-password": "s3cr3t-Pa55w0rd!"}
    assert len(token_requests(fake_azure)) == before + 1
    # The good pod's ten concurrent mounts shared one read; the later mount read again. The bad pod read nothing.
    assert len(vault_requests(fake_azure)) == 2


def test_a_wrong_new_client_secret_fails_although_a_token_for_the_old_one_is_cached(fake_azure, azure_client):
    """The client secret is part of the cache key: a mount with a changed (wrong) secret asks Entra ID and
    fails with AADSTS7000215; the token of the right secret stays cached for its own mounts."""
    good = identity(fake_azure, "service-principal")
    wrong = identity(fake_azure, "service-principal", client_secret="rotated-but-wrong~abcdefghij0123456789")
    mount(azure_client, good)
    code, details = mount_error(azure_client, wrong)
    assert (code, "AADSTS7000215" in details) == (grpc.StatusCode.UNAUTHENTICATED, True)
    mount(azure_client, good)
    assert [r["status"] for r in token_requests(fake_azure)] == [200, 401]


ROTATION_OLD = "rotation-old-secret~0123456789abcdefghij"
ROTATION_NEW = "rotation-new-secret~abcdefghij0123456789"
ROTATION_SEED = {
    "tenant_id": S.TENANT_ID,
    "identities": {"rotating-sp": {"type": "application", "client_id": "aa0e1f2a-3b4c-4d5e-9f6a-7b8c9d0e1f2a",
                                   "object_id": "bb1f2a3b-4c5d-4e6f-8a7b-8c9d0e1f2a3b",
                                   "client_secrets": [ROTATION_OLD, ROTATION_NEW]}},
    "vaults": [{"name": "kv-rotation", "cloud": "AzurePublicCloud", "access": ["rotating-sp"],
                "secrets": [{"name": "rotated", "versions": [{"value": "rotation works"}]}]}],
}


def test_a_changed_client_secret_gets_its_own_token(start_provider):
    """Secret rotation (the app accepts both secrets for a while): the first mount with the new secret makes
    a new token request instead of reusing the old secret's token; each secret's token is then reused."""
    with FakeAzure.start(seed=ROTATION_SEED) as fa:
        args, env = fake_azure_flags(fa)
        client = DriverClient(start_provider(*args, env=env).socket_path)
        rotation = Cloud("AzurePublicCloud", "kv-rotation", "rotated", "rotation works", "", "")
        client_id = ROTATION_SEED["identities"]["rotating-sp"]["client_id"]
        counts = []
        for secret in [ROTATION_OLD, ROTATION_OLD, ROTATION_NEW, ROTATION_NEW, ROTATION_OLD]:
            ident = identity(fa, "service-principal", client_id=client_id, client_secret=secret)
            assert mount(client, ident, cloud=rotation) == {"rotated": "rotation works"}
            counts.append(len(token_requests(fa)))
        assert counts == [1, 1, 2, 2, 2]


@pytest.mark.parametrize("mode", ["service-principal", "workload-identity", "vm-system-assigned", "pod-identity"])
def test_a_token_is_refreshed_ahead_of_expiry_exactly_once(fake_azure, azure_client, mode):
    """With 3-second tokens, the token is fresh at first (warm mounts cost nothing); once in its refresh
    window, 10 concurrent mounts make exactly one refresh, and Key Vault never sees an expired token."""
    fake_azure.set_token_lifetime(3)
    ident = identity(fake_azure, mode)
    started = time.monotonic()
    mount(azure_client, ident)
    mount(azure_client, ident)
    assert len(token_requests(fake_azure)) == 1
    time.sleep(max(0.0, 1.8 - (time.monotonic() - started)))
    results = mount_all(azure_client, [(ident, {})] * 10)
    assert [r[0] for r in results] == ["ok"] * 10
    assert len(token_requests(fake_azure)) == 2
    assert vault_requests(fake_azure, 401) == []


def test_a_workload_token_never_outlives_the_service_account_token(fake_azure, azure_client):
    """The Entra token (an hour) is cached no longer than the service-account token that bought it (3 s
    here): past the refresh point of the shorter lifetime, a mount exchanges the assertion again."""
    ident = identity(fake_azure, "workload-identity", lifetime=3)
    started = time.monotonic()
    mount(azure_client, ident)
    mount(azure_client, ident)
    assert len(token_requests(fake_azure)) == 1
    time.sleep(max(0.0, 1.8 - (time.monotonic() - started)))
    mount(azure_client, ident)
    assert len(token_requests(fake_azure)) == 2


@pytest.mark.parametrize("mode", ["service-principal", "vm-user-assigned", "pod-identity"])
def test_a_token_key_vault_rejects_is_evicted_and_renewed_once(fake_azure, azure_client, mode):
    """expire_tokens(): Key Vault answers the cached (seemingly fresh) token with 401; the provider evicts it,
    fetches exactly one new token and retries the read once: the mount succeeds."""
    ident = identity(fake_azure, mode)
    mount(azure_client, ident)
    fake_azure.expire_tokens()
    assert mount(azure_client, ident) == {"db-password": "s3cr3t-Pa55w0rd!"}
    sequence = [(r["server"], r["status"]) for r in fake_azure.requests()]
    assert sequence == [(ident.server, 200), ("keyvault", 200), ("keyvault", 401), (ident.server, 200), ("keyvault", 200)]


def test_concurrent_mounts_rejected_with_401_share_one_renewal(fake_azure, azure_client):
    """20 mounts of five objects in flight when the token goes bad: the mounts share one read per object, the
    five reads all get 401, and together they cost exactly one new token (a late 401 of the old token must not
    evict the renewed one)."""
    ident = identity(fake_azure, "service-principal")
    names = ["app-secret", "db-password", "json-secret", "b64-secret", "hex-secret"]
    mount(azure_client, ident, objects=names)
    fake_azure.expire_tokens()
    with slow(fake_azure, "keyvault", ms=200):
        results = mount_all(azure_client, [(ident, {"objects": names})] * 20)
    assert [r[0] for r in results] == ["ok"] * 20
    assert len(vault_requests(fake_azure, 401)) == 5
    renewals = len(token_requests(fake_azure)) - 1
    assert renewals == 1, f"{renewals} renewals: late 401s of the old token evicted the renewed one"


# ---------------------------------------------------------------- logs and figures

def leaked_credentials(log, credentials, window=16):
    """Names of the credentials ({name: value}) of which the log holds a fragment of `window` characters or
    more, also inside hex dumps of bytes (an HTTP library at trace level prints body bytes as hex); "a JWT"
    when any JWT header (`{"` is `eyJ` in base64url) is there."""
    decoded = [bytes.fromhex(run[: len(run) // 2 * 2]).decode("utf-8", "replace")
               for run in re.findall(r"[0-9a-f]{32,}", log)]
    text = log + "\n" + "\n".join(decoded)
    windows = {value[i:i + window]: name for name, value in credentials.items()
               for i in range(len(value) - window + 1)}
    found = {"a JWT"} if "eyJ" in text else set()
    for run in re.findall(r"[A-Za-z0-9._~!+/-]{%d,}" % window, text):
        found.update(windows[run[i:i + window]] for i in range(len(run) - window + 1) if run[i:i + window] in windows)
    return sorted(found)


@pytest.mark.parametrize("verbosity", [2, 5], ids=["debug", "trace"])
def test_no_token_secret_or_service_account_token_is_ever_logged(fake_azure, start_provider, issued_tokens,
                                                                  verbosity):
    """At debug and at trace level, after successful and failed mounts of every mode, IMDS retries and 401
    renewals, the provider's log holds no fragment of any access token the fakes issued, of a client
    secret, of a service-account token, or of a secret value read from Key Vault (not even hex-dumped)."""
    issued = issued_tokens
    args, env = fake_azure_flags(fake_azure, f"--verbosity={verbosity}")
    provider = start_provider(*args, env=env)
    client = DriverClient(provider.socket_path)
    idents = [identity(fake_azure, mode) for mode in MODES]
    wrong_secret = "logged-secret-would-be-bad~0123456789ab"
    failing = [identity(fake_azure, "service-principal", client_secret=wrong_secret),
               identity(fake_azure, "workload-identity", namespace="intruder-ns")]
    fake_azure.inject("imds", "status", count=1, status=410)
    for ident in idents:
        mount(client, ident)
    fake_azure.expire_tokens()
    for ident in idents:
        mount(client, ident)
    for ident in failing:
        mount_error(client, ident)
    log = provider.log()
    assert "azure http" in log  # the HTTP layer's debug lines are there
    assert len(issued) == 2 * len(MODES)
    sa_tokens_sent = [sa_token_of(i) for i in idents + failing if i.mode == "workload-identity"]
    credentials = {"client secret": S.SP_CLIENT_SECRET, "wrong client secret": wrong_secret,
                   "Key Vault secret value": "s3cr3t-Pa55w0rd!",
                   **{f"service-account token {i}": t for i, t in enumerate(sa_tokens_sent)},
                   **{f"access token {i}": t for i, t in enumerate(issued)}}
    leaked = leaked_credentials(log, credentials)
    assert not leaked, f"the provider's log holds fragments of: {', '.join(leaked)}"


def test_figures_token_requests_per_mount_cold_and_warm(fake_azure, start_provider, capsys):
    """Closing figures: token requests per mount for every mode with a cold cache (first mount, 3 objects)
    and a warm one (5 more mounts), measured from the fakes' request log; printed with `-s`."""
    args, env = fake_azure_flags(fake_azure)
    client = DriverClient(start_provider(*args, env=env).socket_path)
    objects = ["db-password", "app-secret", "json-secret"]
    rows = []
    for mode in MODES:
        ident = identity(fake_azure, mode)
        before = len(token_requests(fake_azure))
        mount(client, ident, objects=objects)
        cold = len(token_requests(fake_azure)) - before
        for _ in range(5):
            mount(client, ident, objects=objects)
        warm = (len(token_requests(fake_azure)) - before - cold) / 5
        rows.append((mode, cold, warm))
    with capsys.disabled():
        print("\n\ntoken requests per mount (3 objects per mount)\n  mode                  cold  warm")
        for mode, cold, warm in rows:
            print(f"  {mode:<20}  {cold:>4}  {warm:>4.1f}")
    assert [(cold, warm) for _, cold, warm in rows] == [(1, 0.0)] * len(MODES)
