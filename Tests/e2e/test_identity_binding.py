"""Identity binding (`useAzureTokenProxy: "true"`, issue 15 part 4) end to end: the real provider binary on a real
Unix socket, the pod's `api://AKSIdentityBinding` token exchanged at the fake token proxy (fakeazure/token_proxy.py,
its own CA, a certificate only for its TLS server name, any other name refused), Key Vault through the egress proxy.

The proxy's TLS server name is either given (`--sni-name`) or computed by the provider from the API server
certificate's `hcp-kubernetes.<id>.svc.cluster.local` name, read from `--token-proxy-url`'s host and port (the fake
presents that certificate for `localhost`). Exact outcomes: codes, messages, and the fakes' request logs.
"""
import os
import subprocess
import time

import grpc
import pytest

from conftest import fake_azure_flags
from driver_client import DriverClient, pod_attributes
from fakeazure import seed as S
from fakeazure.token_proxy import AUDIENCE, CLUSTER_ID, server_name
from provider_process import free_port, provider_binary

VAULT, SECRET, VALUE = "kv-demo", "db-password", "s3cr3t-Pa55w0rd!"
TOKENS_KEY = "csi.storage.k8s.io/serviceAccount.tokens"
PREFIX = "failed to mount objects, error: "


def rfc3339(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def class_attributes(tokens):
    parameters = {"keyvaultName": VAULT, "tenantID": S.TENANT_ID, "useAzureTokenProxy": "true",
                  "clientID": S.WORKLOAD_CLIENT_ID,
                  "objects": f"array:\n  - |\n    objectName: {SECRET}\n    objectType: secret\n"}
    return pod_attributes(parameters, namespace=S.WORKLOAD_NAMESPACE, service_account=S.WORKLOAD_SERVICE_ACCOUNT,
                          tokens=tokens)


def binding_token(fa, audience=AUDIENCE):
    """The pod's token as the driver sends it for the CSIDriver's api://AKSIdentityBinding audience."""
    token = fa.mint_service_account_token(S.WORKLOAD_NAMESPACE, S.WORKLOAD_SERVICE_ACCOUNT, audience=audience)
    return token, {AUDIENCE: {"token": token, "expirationTimestamp": rfc3339(time.time() + 3600)}}


@pytest.fixture
def binding_provider(fake_azure, start_provider):
    """Starts a provider with the fakes' flags plus the token proxy flags given; yields a driver client."""
    clients = []

    def start(*flags):
        # Its own metrics port: other providers on this machine may hold the default one.
        args, env = fake_azure_flags(fake_azure, f"--token-proxy-url={fake_azure.token_proxy.url}",
                                     f"--prometheus-port={free_port()}", "--metrics-bind-address=127.0.0.1", *flags)
        process = start_provider(*args, env=env)
        client = DriverClient(process.socket_path)
        clients.append(client)
        return process, client

    fake_azure.token_proxy.server_names.clear()
    yield start
    for client in clients:
        client.close()


def mount_files(client, attributes):
    return {f.path: f.contents.decode() for f in client.mount(attributes).files}


def mount_error(client, attributes):
    with pytest.raises(grpc.RpcError) as error:
        client.mount(attributes)
    return error.value.code(), error.value.details()


def token_proxy_requests(fa):
    return [(r["method"], r["host"], r["path"], r["status"]) for r in fa.requests("tokenproxy")]


def test_the_fakes_server_name_is_the_go_providers():
    # The Swift unit tests check the provider's computation against vectors from the Go provider's formula; the
    # fake computes it on its own (Python's base32hex), so a mount that succeeds means both agree.
    assert server_name("696995ccb303450001b31a18") == "aeaf29ip1hi5q38ebc3u4daum81u0unk52t5bg50j25234fmuj78g.ests.aks"


def test_mount_with_the_computed_server_name(fake_azure, binding_provider):
    tp = fake_azure.token_proxy
    # Trace-level logs, to check that not even they carry the service-account token.
    process, client = binding_provider(f"--token-proxy-ca-file={tp.ca_bundle}", "-v=5")
    token, tokens = binding_token(fake_azure)
    fake_azure.clear_requests()
    assert mount_files(client, class_attributes(tokens)) == {SECRET: VALUE}
    # One handshake with the API server's name (the certificate the name is computed from), then the token
    # request under the computed name, host and all; Entra ID itself is never asked.
    assert tp.server_names == ["localhost", server_name(CLUSTER_ID)]
    assert token_proxy_requests(fake_azure) == [
        ("POST", f"{tp.sni_name}:{tp.port}", f"/{S.TENANT_ID}/oauth2/v2.0/token", 200)]
    assert fake_azure.requests("entra") == []
    assert [r["status"] for r in fake_azure.requests("keyvault")] == [200]
    # The second mount of the pod uses the cached token and the name computed once.
    assert mount_files(client, class_attributes(tokens)) == {SECRET: VALUE}
    assert len(token_proxy_requests(fake_azure)) == 1 and len(tp.server_names) == 2
    log = process.log()
    assert "token proxy TLS server name computed" in log and tp.sni_name in log
    assert token not in log and token.split(".")[1] not in log


def test_mount_with_the_server_name_given(fake_azure, binding_provider):
    tp = fake_azure.token_proxy
    _, client = binding_provider(f"--token-proxy-ca-file={tp.ca_bundle}", f"--sni-name={tp.sni_name}")
    _, tokens = binding_token(fake_azure)
    fake_azure.clear_requests()
    assert mount_files(client, class_attributes(tokens)) == {SECRET: VALUE}
    assert tp.server_names == [tp.sni_name]
    assert [r[3] for r in token_proxy_requests(fake_azure)] == [200]


def test_a_wrong_server_name_is_refused_by_the_proxy(fake_azure, binding_provider):
    tp = fake_azure.token_proxy
    _, client = binding_provider(f"--token-proxy-ca-file={tp.ca_bundle}", "--sni-name=wrong.ests.aks")
    token, tokens = binding_token(fake_azure)
    fake_azure.clear_requests()
    code, details = mount_error(client, class_attributes(tokens))
    assert code == grpc.StatusCode.UNAVAILABLE
    assert details.startswith(
        f"{PREFIX}failed to get objectType:secret, objectName:{SECRET}, objectVersion:: IdentityBindingCredential:"
        f" POST https://wrong.ests.aks:{tp.port}/{S.TENANT_ID}/oauth2/v2.0/token: TLS handshake failed:"), details
    assert details.endswith(
        f" (token proxy {tp.url}, TLS server name wrong.ests.aks, CA file {tp.ca_bundle})"), details
    assert token not in details
    # UNAVAILABLE: the driver's client tries the call 3 times, each one handshake refused.
    assert tp.server_names == ["wrong.ests.aks"] * 3
    assert token_proxy_requests(fake_azure) == [] and fake_azure.requests("keyvault") == []


def test_a_wrong_ca_fails_the_server_name_computation(fake_azure, binding_provider):
    tp = fake_azure.token_proxy
    # The Azure fakes' CA does not sign the API server's (nor the proxy's) certificate.
    _, client = binding_provider(f"--token-proxy-ca-file={fake_azure.ca_bundle}")
    _, tokens = binding_token(fake_azure)
    fake_azure.clear_requests()
    code, details = mount_error(client, class_attributes(tokens))
    assert code == grpc.StatusCode.UNAVAILABLE
    assert details.startswith(
        f"{PREFIX}failed to get objectType:secret, objectName:{SECRET}, objectVersion:: IdentityBindingCredential:"
        " cannot read the API server certificate to compute the token proxy's TLS server name:"
        f" TLS localhost:{tp.port}: TLS handshake failed:"), details
    assert details.endswith(" (set --sni-name to skip this)"), details
    # A failed computation is not remembered: each of the driver's 3 attempts tries again.
    assert tp.server_names == ["localhost"] * 3 and token_proxy_requests(fake_azure) == []


def test_a_wrong_ca_fails_the_token_request(fake_azure, binding_provider):
    tp = fake_azure.token_proxy
    _, client = binding_provider(f"--token-proxy-ca-file={fake_azure.ca_bundle}", f"--sni-name={tp.sni_name}")
    _, tokens = binding_token(fake_azure)
    fake_azure.clear_requests()
    code, details = mount_error(client, class_attributes(tokens))
    assert code == grpc.StatusCode.UNAVAILABLE
    assert f"IdentityBindingCredential: POST https://{tp.sni_name}:{tp.port}/" in details, details
    assert "TLS handshake failed:" in details, details
    assert details.endswith(
        f" (token proxy {tp.url}, TLS server name {tp.sni_name}, CA file {fake_azure.ca_bundle})"), details
    assert token_proxy_requests(fake_azure) == []


def test_without_the_identity_binding_token_nothing_is_sent(fake_azure, binding_provider):
    tp = fake_azure.token_proxy
    _, client = binding_provider(f"--token-proxy-ca-file={tp.ca_bundle}")
    token = fake_azure.mint_service_account_token(S.WORKLOAD_NAMESPACE, S.WORKLOAD_SERVICE_ACCOUNT)
    tokens = {S.TOKEN_EXCHANGE_AUDIENCE: {"token": token, "expirationTimestamp": rfc3339(time.time() + 3600)}}
    fake_azure.clear_requests()
    code, details = mount_error(client, class_attributes(tokens))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert details == (
        f"{PREFIX}{TOKENS_KEY}: token for audience api://AKSIdentityBinding not found (audiences sent:"
        ' "api://AzureADTokenExchange"); identity binding (useAzureTokenProxy) needs it: add audience'
        ' "api://AKSIdentityBinding" to the CSIDriver\'s spec.tokenRequests (Helm chart of the driver:'
        " tokenRequests[].audience) so the driver sends the pod's token")
    assert fake_azure.requests() == [] and tp.server_names == []


def test_a_token_for_another_audience_is_refused_by_the_proxy(fake_azure, binding_provider):
    tp = fake_azure.token_proxy
    _, client = binding_provider(f"--token-proxy-ca-file={tp.ca_bundle}", f"--sni-name={tp.sni_name}")
    # Sent under the identity-binding key, but minted for workload identity's audience.
    _, tokens = binding_token(fake_azure, audience=S.TOKEN_EXCHANGE_AUDIENCE)
    fake_azure.clear_requests()
    code, details = mount_error(client, class_attributes(tokens))
    assert code == grpc.StatusCode.UNAUTHENTICATED
    assert (f"IdentityBindingCredential authentication failed: POST https://{tp.sni_name}:{tp.port}/{S.TENANT_ID}"
            "/oauth2/v2.0/token: status 401, error: invalid_client, AADSTS700212:") in details, details
    assert [r[3] for r in token_proxy_requests(fake_azure)] == [401]


def test_a_missing_ca_file_is_named(fake_azure, binding_provider):
    _, client = binding_provider("--token-proxy-ca-file=/nonexistent/ca.crt")
    _, tokens = binding_token(fake_azure)
    fake_azure.clear_requests()
    code, details = mount_error(client, class_attributes(tokens))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert details == (
        f"{PREFIX}failed to get objectType:secret, objectName:{SECRET}, objectVersion:: IdentityBindingCredential:"
        " cannot read the token proxy's CA file /nonexistent/ca.crt (set --token-proxy-ca-file to the CA that signs"
        " the proxy's certificate)")
    assert fake_azure.requests() == [] and fake_azure.token_proxy.server_names == []


def test_the_mount_command_sends_the_token_under_the_identity_binding_audience(fake_azure, tmp_path):
    tp = fake_azure.token_proxy
    token, _ = binding_token(fake_azure)
    (tmp_path / "token").write_text(token + "\n")
    (tmp_path / "class.yaml").write_text(f"""apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: {{name: ib, namespace: {S.WORKLOAD_NAMESPACE}}}
spec:
  provider: azure
  parameters:
    useAzureTokenProxy: "true"
    clientID: "{S.WORKLOAD_CLIENT_ID}"
    keyvaultName: {VAULT}
    tenantID: "{S.TENANT_ID}"
    objects: |
      array:
        - |
          objectName: {SECRET}
          objectType: secret
""")
    args, env = fake_azure_flags(fake_azure, f"--token-proxy-url={tp.url}", f"--token-proxy-ca-file={tp.ca_bundle}")
    fake_azure.clear_requests()
    result = subprocess.run(
        [provider_binary(), "mount", "-f", str(tmp_path / "class.yaml"), "--service-account-token",
         str(tmp_path / "token"), *args], capture_output=True, text=True, timeout=60, env=dict(os.environ, **env))
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()]
    assert ["PATH", "MODE", "SIZE", "OBJECT", "ID", "VERSION"] in rows
    assert [row[:4] for row in rows if row and row[0] == SECRET] == [
        [SECRET, "0644", str(len(VALUE)), f"secret/{SECRET}"]]
    assert [r[3] for r in token_proxy_requests(fake_azure)] == [200]
    assert token not in result.stdout + result.stderr
