"""Fidelity of the fakes, judged by the official Azure SDK for Python: if the SDK accepts the fakes' answers
(and raises the documented errors), the wire format is right."""
import base64
import time

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ResourceNotFoundError
from azure.identity import (ClientAssertionCredential, ClientSecretCredential, CredentialUnavailableError,
                            ManagedIdentityCredential)
from azure.keyvault.certificates import CertificateClient
from azure.keyvault.keys import KeyClient
from azure.keyvault.secrets import SecretClient

from fakeazure import seed as S
from fakeazure.jwtutil import b64url_decode

KV_SCOPE = "https://vault.azure.net/.default"


def net(fa):
    """Transport settings: every SDK request goes through the fakes' proxy and trusts the test CA."""
    return {"proxies": {"https": fa.proxy_url, "http": fa.proxy_url}, "connection_verify": fa.ca_bundle}


def sp_credential(fa, **kw):
    return ClientSecretCredential(S.TENANT_ID, S.SP_CLIENT_ID, S.SP_CLIENT_SECRET, **net(fa), **kw)


def secret_client(fa, vault="kv-demo", cred=None, **kw):
    return SecretClient(fa.vault_urls[vault], cred or sp_credential(fa), **net(fa), **kw)


def seeded(fa, vault, kind, name):
    v = next(v for v in fa.seed["vaults"] if v["name"] == vault)
    obj = next(o for o in v[kind] if o["name"] == name)
    return sorted(obj["versions"], key=lambda x: x["created"])


# ---- Entra ID ---------------------------------------------------------------------------------------
def test_client_secret_credential_gets_token(fake_azure):
    before = time.time()
    tok = sp_credential(fake_azure).get_token(KV_SCOPE)
    assert tok.token.count(".") == 2
    assert before + 3599 - 1 <= tok.expires_on <= time.time() + 3599  # the SDK read expires_in: 3599
    assert [(r["method"], r["path"], r["status"]) for r in fake_azure.requests("entra")] == [
        ("GET", f"/{S.TENANT_ID}/v2.0/.well-known/openid-configuration", 200),
        ("POST", f"/{S.TENANT_ID}/oauth2/v2.0/token", 200)]


def test_client_secret_wrong_secret(fake_azure):
    cred = ClientSecretCredential(S.TENANT_ID, S.SP_CLIENT_ID, "wrong", **net(fake_azure))
    with pytest.raises(ClientAuthenticationError, match="AADSTS7000215"):
        cred.get_token(KV_SCOPE)


def test_unknown_application(fake_azure):
    cred = ClientSecretCredential(S.TENANT_ID, "00000000-0000-4000-8000-000000000000", "x", **net(fake_azure))
    with pytest.raises(ClientAuthenticationError, match="AADSTS700016"):
        cred.get_token(KV_SCOPE)


def test_client_assertion_credential_reads_secret(fake_azure):
    fa = fake_azure
    cred = ClientAssertionCredential(S.TENANT_ID, S.WORKLOAD_CLIENT_ID,
                                     lambda: fa.mint_service_account_token(S.WORKLOAD_NAMESPACE,
                                                                           S.WORKLOAD_SERVICE_ACCOUNT),
                                     **net(fa))
    assert secret_client(fa, cred=cred).get_secret("db-password").value == "s3cr3t-Pa55w0rd!"


@pytest.mark.parametrize("kwargs, code", [
    ({"service_account": "other-sa"}, "AADSTS700213"),
    ({"issuer": "https://evil.example/"}, "AADSTS700211"),
    ({"audience": "api://Other"}, "AADSTS700212"),
    ({"lifetime_seconds": -3600}, "AADSTS700024"),
])
def test_client_assertion_mismatch(fake_azure, kwargs, code):
    fa = fake_azure
    sa = kwargs.pop("service_account", S.WORKLOAD_SERVICE_ACCOUNT)
    cred = ClientAssertionCredential(S.TENANT_ID, S.WORKLOAD_CLIENT_ID,
                                     lambda: fa.mint_service_account_token(S.WORKLOAD_NAMESPACE, sa, **kwargs),
                                     **net(fa))
    with pytest.raises(ClientAuthenticationError, match=code):
        cred.get_token(KV_SCOPE)


# ---- IMDS -------------------------------------------------------------------------------------------
def test_managed_identity_system_assigned(fake_azure, monkeypatch):
    monkeypatch.setenv("AZURE_POD_IDENTITY_AUTHORITY_HOST", fake_azure.imds_url)
    cred = ManagedIdentityCredential()
    assert secret_client(fake_azure, cred=cred).get_secret("app-secret").value == "app-secret value v5"
    (req,) = [r for r in fake_azure.requests("imds")]
    assert "resource=https" in req["path"] and "client_id" not in req["path"]


def test_managed_identity_user_assigned(fake_azure, monkeypatch):
    monkeypatch.setenv("AZURE_POD_IDENTITY_AUTHORITY_HOST", fake_azure.imds_url)
    cred = ManagedIdentityCredential(client_id=S.USER_MI_CLIENT_ID)
    tok = cred.get_token(KV_SCOPE)
    import json
    claims = json.loads(b64url_decode(tok.token.split(".")[1]))
    assert claims["appid"] == S.USER_MI_CLIENT_ID and claims["aud"] == "https://vault.azure.net"


def test_managed_identity_unknown_identity(fake_azure, monkeypatch):
    monkeypatch.setenv("AZURE_POD_IDENTITY_AUTHORITY_HOST", fake_azure.imds_url)
    cred = ManagedIdentityCredential(client_id="00000000-0000-4000-8000-000000000000")
    with pytest.raises(CredentialUnavailableError, match="Identity not found"):
        cred.get_token(KV_SCOPE)


def test_managed_identity_retries_imds_503(fake_azure, monkeypatch):
    monkeypatch.setenv("AZURE_POD_IDENTITY_AUTHORITY_HOST", fake_azure.imds_url)
    fake_azure.inject("imds", "status", count=1, status=503)
    ManagedIdentityCredential().get_token(KV_SCOPE)
    assert [r["status"] for r in fake_azure.requests("imds")] == [503, 200]


# ---- Key Vault: secrets -----------------------------------------------------------------------------
def test_challenge_then_secret(fake_azure):
    fa = fake_azure
    from azure.keyvault.secrets._shared import http_challenge_cache
    http_challenge_cache.clear()  # the SDK caches challenges process-wide per host
    client = secret_client(fa)
    s = client.get_secret("app-secret")
    latest = seeded(fa, "kv-demo", "secrets", "app-secret")[-1]
    assert s.value == latest["value"] and s.properties.version == latest["version"]
    assert s.properties.created_on.timestamp() == latest["created"]
    assert [(r["status"], r["headers"].get("authorization")) for r in fa.requests("keyvault")] == [
        (401, None), (200, "Bearer")]


def test_secret_by_version_and_content_types(fake_azure):
    client = secret_client(fake_azure)
    v1 = seeded(fake_azure, "kv-demo", "secrets", "app-secret")[0]
    assert client.get_secret("app-secret", v1["version"]).value == "app-secret value v1"
    b64 = client.get_secret("b64-secret")
    assert base64.b64decode(b64.value) == bytes(range(256))
    assert b64.properties.content_type == "application/octet-stream"
    assert bytes.fromhex(client.get_secret("hex-secret").value) == bytes(range(64))


def test_secret_versions_paging(fake_azure):
    client = secret_client(fake_azure)
    versions = list(client.list_properties_of_secret_versions("many-versions"))
    assert sorted(v.version for v in versions) == sorted(v["version"] for v in
                                                         seeded(fake_azure, "kv-demo", "secrets", "many-versions"))
    pages = [r for r in fake_azure.requests("keyvault") if "/versions" in r["path"] and r["status"] == 200]
    assert len(pages) == 2  # 25 + 5
    history = {v.version: v.enabled for v in client.list_properties_of_secret_versions("app-secret")}
    assert len(history) == 5 and list(history.values()).count(False) == 1


def test_secret_versions_max_page_size(fake_azure):
    client = secret_client(fake_azure)
    versions = list(client.list_properties_of_secret_versions("many-versions", max_page_size=7))
    assert len(versions) == 30
    assert len([r for r in fake_azure.requests("keyvault") if "/versions" in r["path"] and r["status"] == 200]) == 5


def test_certificate_backed_secret(fake_azure):
    s = secret_client(fake_azure).get_secret("chain-cert")
    assert s.properties.content_type == "application/x-pkcs12"
    assert s.properties.key_id.startswith("https://kv-demo.vault.azure.net/keys/chain-cert/")
    assert s.properties.managed is True
    pem = secret_client(fake_azure).get_secret("chain-cert-pem")
    assert pem.properties.content_type == "application/x-pem-file" and pem.value.count("BEGIN CERTIFICATE") == 3


def test_secret_not_found(fake_azure):
    client = secret_client(fake_azure)
    with pytest.raises(ResourceNotFoundError) as e:
        client.get_secret("no-such-secret")
    assert e.value.error.code == "SecretNotFound"
    with pytest.raises(ResourceNotFoundError):
        client.get_secret("app-secret", "0" * 32)


def test_disabled_secret_forbidden(fake_azure):
    with pytest.raises(HttpResponseError) as e:
        secret_client(fake_azure).get_secret("disabled-secret")
    assert e.value.status_code == 403 and e.value.error.code == "Forbidden"
    assert "disabled secret" in e.value.error.message


def test_vault_without_access_forbidden(fake_azure):
    with pytest.raises(HttpResponseError) as e:
        secret_client(fake_azure, "kv-restricted").get_secret("restricted-secret")
    assert e.value.status_code == 403
    cred = ClientSecretCredential(S.TENANT_ID, S.RESTRICTED_SP_CLIENT_ID, S.RESTRICTED_SP_CLIENT_SECRET,
                                  **net(fake_azure))
    assert secret_client(fake_azure, "kv-restricted", cred).get_secret("restricted-secret").value.startswith("only")


def test_throttled_429(fake_azure):
    fake_azure.inject("keyvault", "status", count=None, status=429, retry_after=0, path_contains="/secrets/db-password")
    with pytest.raises(HttpResponseError) as e:
        secret_client(fake_azure, retry_total=1).get_secret("db-password")
    assert e.value.status_code == 429 and e.value.error.code == "Throttled"


def test_429_then_success_honours_retry_after(fake_azure):
    fake_azure.inject("keyvault", "status", count=2, status=429, retry_after=0, path_contains="/secrets/db-password")
    assert secret_client(fake_azure).get_secret("db-password").value == "s3cr3t-Pa55w0rd!"


def test_bad_token_client_authentication_error(fake_azure):
    class Garbage:
        def get_token(self, *scopes, **kw):
            return AccessToken("not-a-token-the-fakes-issued", 2**31)

    with pytest.raises(ClientAuthenticationError):
        secret_client(fake_azure, cred=Garbage()).get_secret("app-secret")


# ---- Key Vault: keys and certificates ---------------------------------------------------------------
@pytest.mark.parametrize("name, kty, crv", [("rsa-key", "RSA", None), ("rsa4096-key", "RSA", None),
                                            ("ec-p256-key", "EC", "P-256"), ("ec-p384-key", "EC", "P-384"),
                                            ("ec-p521-key", "EC", "P-521")])
def test_keys(fake_azure, name, kty, crv):
    client = KeyClient(fake_azure.vault_urls["kv-demo"], sp_credential(fake_azure), **net(fake_azure))
    key = client.get_key(name)
    want = seeded(fake_azure, "kv-demo", "keys", name)[-1]["jwk"]
    assert key.key_type == kty and key.properties.version == seeded(fake_azure, "kv-demo", "keys", name)[-1]["version"]
    if kty == "RSA":
        assert key.key.n == b64url_decode(want["n"]) and key.key.e == b64url_decode(want["e"])
    else:
        assert key.key.crv == crv and key.key.x == b64url_decode(want["x"]) and key.key.y == b64url_decode(want["y"])
    assert len(list(client.list_properties_of_key_versions(name))) == len(seeded(fake_azure, "kv-demo", "keys", name))


def test_key_not_found(fake_azure):
    client = KeyClient(fake_azure.vault_urls["kv-demo"], sp_credential(fake_azure), **net(fake_azure))
    with pytest.raises(ResourceNotFoundError) as e:
        client.get_key("nope")
    assert e.value.error.code == "KeyNotFound"


@pytest.mark.parametrize("name", ["selfsigned-cert", "chain-cert", "chain-cert-modern", "chain-cert-pem"])
def test_certificates(fake_azure, name):
    client = CertificateClient(fake_azure.vault_urls["kv-demo"], sp_credential(fake_azure), **net(fake_azure))
    cert = client.get_certificate(name)
    want = seeded(fake_azure, "kv-demo", "certificates", name)[-1]
    assert cert.cer == base64.b64decode(want["cer"])
    assert cert.properties.x509_thumbprint == b64url_decode(want["x5t"])
    assert cert.secret_id.endswith(f"/secrets/{name}/{want['version']}")
    assert cert.policy is not None and cert.policy.content_type is not None
    versions = list(client.list_properties_of_certificate_versions(name))
    assert {v.version for v in versions} == {v["version"] for v in seeded(fake_azure, "kv-demo", "certificates", name)}


def test_certificate_not_found(fake_azure):
    client = CertificateClient(fake_azure.vault_urls["kv-demo"], sp_credential(fake_azure), **net(fake_azure))
    with pytest.raises(ResourceNotFoundError) as e:
        client.get_certificate("nope")
    assert e.value.error.code == "CertificateNotFound"


# ---- other clouds -----------------------------------------------------------------------------------
@pytest.mark.parametrize("vault, authority, name, value", [
    ("kv-gov", "login.microsoftonline.us", "gov-secret", "hello from usgov"),
    ("kv-china", "login.chinacloudapi.cn", "china-secret", "hello from china"),
    ("kv-german", "login.microsoftonline.de", "german-secret", "hello from germany"),
    ("kv-stack", "login.stack.test", "stack-secret", "hello from azure stack"),
])
def test_sovereign_clouds(fake_azure, vault, authority, name, value):
    cred = sp_credential(fake_azure, authority=authority, disable_instance_discovery=True)
    assert secret_client(fake_azure, vault, cred).get_secret(name).value == value
    assert all(r["host"] == authority for r in fake_azure.requests("entra"))
