"""Wire-level checks of the fakes (raw HTTP): recorded Key Vault answers replayed byte-for-byte, error bodies,
fault injection, NMI, IMDS, the proxy's refusal of unknown hosts, the admin endpoint and the launcher."""
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests
import yaml

from fakeazure import FakeAzure, rc2, seed as S

HERE = os.path.dirname(os.path.abspath(__file__))
# The recorded Go-provider vectors, as the repository carries them (test_conformance.py finds the same set).
VECTOR_DIRS = [os.path.join(HERE, "..", "KeyVaultContentTests", "Fixtures", "conformance"),
               os.path.join(HERE, "conformance_vectors")]
RECORDED_VECTORS = 12


def vector_files():
    """Every vector.json of the repository; a missing directory is an error, never an empty list."""
    found = []
    for base in VECTOR_DIRS:
        assert os.path.isdir(base), f"conformance vectors missing: {base}"
        found += [os.path.join(base, name, "vector.json") for name in sorted(os.listdir(base))
                  if os.path.exists(os.path.join(base, name, "vector.json"))]
    return found


class Wire:
    """requests through the fakes' proxy, trusting the test CA (per request: REQUESTS_CA_BUNDLE would win)."""

    def __init__(self, fa):
        self.fa = fa
        self.s = requests.Session()
        self.proxies = {"https": fa.proxy_url, "http": fa.proxy_url}

    def get(self, url, **kw):
        kw.setdefault("timeout", 10)
        return self.s.get(url, proxies=self.proxies, verify=self.fa.ca_bundle, **kw)

    def post(self, url, **kw):
        kw.setdefault("timeout", 10)
        return self.s.post(url, proxies=self.proxies, verify=self.fa.ca_bundle, **kw)

    def sp_token(self, authority="login.microsoftonline.com", scope="https://vault.azure.net/.default",
                 client_id=S.SP_CLIENT_ID, secret=S.SP_CLIENT_SECRET):
        r = self.post(f"https://{authority}/{S.TENANT_ID}/oauth2/v2.0/token",
                      data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret,
                            "scope": scope, "client_info": "1"})
        assert r.status_code == 200, r.text
        return r.json()["access_token"]

    def kv(self, path, token=None, host="kv-demo.vault.azure.net", **kw):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.get(f"https://{host}{path}", headers=headers, **kw)


@pytest.fixture
def wire(fake_azure):
    return Wire(fake_azure)


# ---- recorded answers -------------------------------------------------------------------------------
def _seed_from_vectors(paths):
    """A kv-bench vault whose objects carry exactly the content of the recorded Key Vault answers."""
    objs = {"secrets": {}, "keys": {}, "certificates": {}}

    def version_entry(kind, name, ver):
        return objs[kind].setdefault(name, {}).setdefault(ver, {"version": ver})

    def attrs(entry, a):
        entry.update(enabled=a["enabled"], created=a["created"], updated=a["updated"],
                     recovery_level=a["recoveryLevel"], recoverable_days=a["recoverableDays"])
        for k in ("nbf", "exp"):
            if k in a:
                entry[k] = a[k]
        if "exportable" in a:
            entry["exportable"] = a["exportable"]

    for p in paths:
        for call in json.load(open(p))["key_vault"]:
            kind = call["request"].split()[1].split("/")[1]
            body = call["response"]
            if isinstance(body.get("value"), list):
                for item in body["value"]:
                    url = item.get("id") or item.get("kid")
                    name, ver = url.split("/")[-2:]
                    e = version_entry(kind, name, ver)
                    attrs(e, item["attributes"])
                    e.setdefault("value", "(listed only)")
                continue
            if "error" in body:  # recorded error answers (e.g. a disabled version) need no seed content
                continue
            url = body.get("id") or body["key"]["kid"]
            name, ver = url.split("/")[-2:]
            e = version_entry(kind, name, ver)
            attrs(e, body["attributes"])
            if kind == "secrets":
                e["value"] = body["value"]
                if "contentType" in body:
                    e["content_type"] = body["contentType"]
                if body.get("managed"):
                    e["managed"] = True
                if "kid" in body:
                    e["kid"] = body["kid"]
            elif kind == "keys":
                e["jwk"] = {k: v for k, v in body["key"].items() if k != "kid"}
            else:
                e.update(cer=body["cer"], x5t=body["x5t"])
                if "policy" in body:
                    e["policy"] = body["policy"]
    spec = S.load_spec(None)
    spec["vaults"] = [{"name": "kv-bench", "access": ["sp"],
                       **{kind: [{"name": n, "versions": list(vs.values())} for n, vs in d.items()]
                          for kind, d in objs.items()}}]
    return spec


def test_replays_recorded_answers_exactly(tmp_path):
    vectors = vector_files()
    assert len(vectors) == RECORDED_VECTORS, vectors
    recorded_calls = sum(len(json.load(open(p))["key_vault"]) for p in vectors)
    with FakeAzure.start(seed=_seed_from_vectors(vectors), state_dir=str(tmp_path)) as fa:
        w = Wire(fa)
        token = w.sp_token()
        checked = 0
        for p in vectors:
            for call in json.load(open(p))["key_vault"]:
                path = call["request"].split(" ", 1)[1]
                r = w.kv(path, token, host="kv-bench.vault.azure.net")
                assert r.status_code == call.get("status", 200), (p, r.text)
                # Same members, same values, same member order as the real service wrote them.
                assert json.dumps(r.json()) == json.dumps(call["response"]), (p, path)
                checked += 1
        assert checked == recorded_calls


def test_vault_seeded_with_explicit_content(tmp_path):
    spec = S.load_spec(None)
    spec["vaults"] = [{"name": "kv-x", "access": ["sp"], "secrets": [{"name": "s", "versions": [
        {"version": "0123456789abcdef0123456789abcdef", "value": "v", "content_type": "text/plain",
         "created": 1700000000, "updated": 1700000001, "tags": {"a": "b"}}]}]}]
    with FakeAzure.start(seed=spec, state_dir=str(tmp_path)) as fa:
        w = Wire(fa)
        r = w.kv("/secrets/s?api-version=7.4", w.sp_token(), host="kv-x.vault.azure.net")
        assert r.json() == {"value": "v", "contentType": "text/plain",
                            "id": "https://kv-x.vault.azure.net/secrets/s/0123456789abcdef0123456789abcdef",
                            "attributes": {"enabled": True, "created": 1700000000, "updated": 1700000001,
                                           "recoveryLevel": "Recoverable+Purgeable", "recoverableDays": 90},
                            "tags": {"a": "b"}}


# ---- Key Vault errors -------------------------------------------------------------------------------
def test_challenge_and_401_body(wire):
    r = wire.kv("/secrets/app-secret/?api-version=7.4")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == (f'Bearer authorization="https://login.microsoftonline.com/{S.TENANT_ID}", '
                                             f'resource="https://vault.azure.net"')
    assert r.json() == {"error": {"code": "Unauthorized", "message": "AKV10000: Request is missing a Bearer or PoP token."}}
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    r = wire.kv("/secrets/gov-secret/?api-version=7.4", host="kv-gov.vault.usgovcloudapi.net")
    assert 'authorization="https://login.microsoftonline.us/' in r.headers["WWW-Authenticate"]
    assert 'resource="https://vault.usgovcloudapi.net"' in r.headers["WWW-Authenticate"]


def test_wrong_audience_and_expired(wire, fake_azure):
    gov = wire.sp_token("login.microsoftonline.us", "https://vault.usgovcloudapi.net/.default")
    r = wire.kv("/secrets/app-secret?api-version=7.4", gov)
    assert r.status_code == 401 and r.json()["error"]["message"].startswith("AKV10022: Invalid audience")
    tok = wire.sp_token()
    assert wire.kv("/secrets/app-secret?api-version=7.4", tok).status_code == 200
    fake_azure.expire_tokens()
    r = wire.kv("/secrets/app-secret?api-version=7.4", tok)
    assert r.status_code == 401 and "TokenExpired" in r.json()["error"]["message"]
    assert wire.kv("/secrets/app-secret?api-version=7.4", wire.sp_token()).status_code == 200


def test_short_token_lifetime(wire, fake_azure):
    fake_azure.set_token_lifetime(1)
    r = wire.post(f"https://login.microsoftonline.com/{S.TENANT_ID}/oauth2/v2.0/token",
                  data={"grant_type": "client_credentials", "client_id": S.SP_CLIENT_ID,
                        "client_secret": S.SP_CLIENT_SECRET, "scope": "https://vault.azure.net/.default"})
    assert r.json()["expires_in"] == 1
    time.sleep(1.1)
    assert wire.kv("/secrets/app-secret?api-version=7.4", r.json()["access_token"]).status_code == 401


def test_api_version_checked(wire):
    tok = wire.sp_token()
    r = wire.kv("/secrets/app-secret?api-version=1999-01-01", tok)
    assert r.status_code == 400 and r.json()["error"]["code"] == "BadParameter"
    assert "(1999-01-01) is not recognized" in r.json()["error"]["message"]
    for v in ("7.0", "7.4", "7.6", "2025-07-01", "2026-04-01"):
        assert wire.kv(f"/secrets/app-secret/?api-version={v}", tok).status_code == 200


def test_not_found_forbidden_bodies(wire):
    tok = wire.sp_token()
    r = wire.kv("/secrets/nope/?api-version=7.4", tok)
    assert r.status_code == 404 and r.json()["error"]["code"] == "SecretNotFound"
    assert r.json()["error"]["message"].startswith("A secret with (name/id) nope was not found in this key vault.")
    r = wire.kv("/keys/nope/?api-version=7.4", tok)
    assert r.json()["error"]["code"] == "KeyNotFound"
    r = wire.kv("/secrets/disabled-secret/?api-version=7.4", tok)
    assert r.status_code == 403 and r.json()["error"] == {
        "code": "Forbidden", "message": "Operation get is not allowed on a disabled secret.",
        "innererror": {"code": "SecretDisabled"}}
    r = wire.kv("/secrets/restricted-secret/?api-version=7.4", tok, host="kv-restricted.vault.azure.net")
    assert r.status_code == 403 and r.json()["error"]["innererror"]["code"] == "AccessDenied"
    assert "does not have secrets get permission on key vault 'kv-restricted;location=westeurope'" in r.text


def test_versions_paging_and_maxresults(wire):
    tok = wire.sp_token()
    r = wire.kv("/secrets/many-versions/versions?api-version=7.4", tok).json()
    assert len(r["value"]) == 25 and r["nextLink"].startswith("https://kv-demo.vault.azure.net:443/secrets/many-versions/versions?")
    r2 = wire.get(r["nextLink"], headers={"Authorization": f"Bearer {tok}"}).json()
    assert len(r2["value"]) == 5 and r2["nextLink"] is None
    ids = [i["id"] for i in r["value"] + r2["value"]]
    assert ids == sorted(ids) and len(set(ids)) == 30
    assert "value" not in r["value"][0]
    assert wire.kv("/secrets/many-versions/versions?api-version=7.4&maxresults=26", tok).status_code == 400


def test_out_content_type_pem(wire):
    tok = wire.sp_token()
    r = wire.kv("/secrets/chain-cert/?api-version=2025-07-01&outContentType=application/x-pem-file", tok).json()
    assert r["contentType"] == "application/x-pem-file" and r["value"].startswith("-----BEGIN PRIVATE KEY-----")


# ---- certificate material -----------------------------------------------------------------------------
def test_rc2_vectors():
    cases = [("0000000000000000", 63, "0000000000000000", "ebb773f993278eff"),
             ("ffffffffffffffff", 64, "ffffffffffffffff", "278b27e42e2f0d49"),
             ("88bca90e90875a7f0f79c384627bafb2", 128, "0000000000000000", "2269552ab0f85ca6")]
    for key, bits, pt, ct in cases:  # RFC 2268 section 5
        assert rc2.encrypt_block(rc2.expand_key(bytes.fromhex(key), bits), bytes.fromhex(pt)).hex() == ct


@pytest.mark.parametrize("name, expect", [
    ("chain-cert", ["MAC: sha1", "pbeWithSHA1And40BitRC2-CBC", "pbeWithSHA1And3-KeyTripleDES-CBC"]),
    ("chain-cert-modern", ["MAC: sha256", "PBES2, PBKDF2, AES-256-CBC"]),
])
def test_pkcs12_profiles(wire, tmp_path, name, expect):
    from cryptography.hazmat.primitives.serialization import pkcs12
    value = wire.kv(f"/secrets/{name}/?api-version=7.4", wire.sp_token()).json()["value"]
    pfx = base64.b64decode(value)
    key, cert, extra = pkcs12.load_key_and_certificates(pfx, b"")
    assert key is not None and len(extra) == 2
    # The openssl CLI names the algorithms; it is a prerequisite of the suite (installed with libssl-dev).
    assert shutil.which("openssl"), "the openssl command is required (apt-get install openssl)"
    (tmp_path / "x.pfx").write_bytes(pfx)
    args = ["openssl", "pkcs12", "-in", str(tmp_path / "x.pfx"), "-info", "-noout", "-passin", "pass:"]
    out = subprocess.run(args + (["-legacy"] if "RC2" in expect[1] else []), capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    for e in expect:
        assert e in out.stderr


def test_pem_chain_scrambled(wire):
    value = wire.kv("/secrets/chain-cert-pem/?api-version=7.4", wire.sp_token()).json()["value"]
    blocks = re.findall(r"-----BEGIN ([A-Z ]+)-----", value)
    assert blocks == ["CERTIFICATE", "PRIVATE KEY", "CERTIFICATE", "CERTIFICATE"]


# ---- Entra ID -------------------------------------------------------------------------------------------
def test_entra_error_shape(wire):
    r = wire.post(f"https://login.microsoftonline.com/{S.TENANT_ID}/oauth2/v2.0/token",
                  data={"grant_type": "client_credentials", "client_id": S.SP_CLIENT_ID, "client_secret": "bad",
                        "scope": "https://vault.azure.net/.default"})
    body = r.json()
    assert r.status_code == 401 and body["error"] == "invalid_client" and body["error_codes"] == [7000215]
    assert re.match(r"AADSTS7000215: .*\r\nTrace ID: .*\r\nCorrelation ID: .*\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$",
                    body["error_description"], re.S)
    r = wire.get("https://login.microsoftonline.com/not-a-tenant/v2.0/.well-known/openid-configuration")
    assert r.status_code == 400 and r.json()["error_codes"] == [90002]
    r = wire.get("https://login.microsoftonline.com/common/discovery/instance?api-version=1.1&authorization_endpoint="
                 "https://login.stack.test/x/oauth2/v2.0/authorize")
    assert r.status_code == 400 and r.json()["error"] == "invalid_instance"
    r = wire.get("https://login.microsoftonline.com/common/discovery/instance?api-version=1.1&authorization_endpoint="
                 f"https://login.microsoftonline.com/{S.TENANT_ID}/oauth2/v2.0/authorize")
    assert r.status_code == 200 and r.json()["api-version"] == "1.1"


def test_token_endpoint_fault(wire, fake_azure):
    fake_azure.inject("entra", "status", status=503, path_contains="/token")
    r = wire.post(f"https://login.microsoftonline.com/{S.TENANT_ID}/oauth2/v2.0/token",
                  data={"grant_type": "client_credentials", "client_id": S.SP_CLIENT_ID,
                        "client_secret": S.SP_CLIENT_SECRET, "scope": "https://vault.azure.net/.default"})
    assert r.status_code == 503 and r.json()["error"] == "temporarily_unavailable"
    assert wire.sp_token()


# ---- IMDS and NMI ---------------------------------------------------------------------------------------
IMDS = "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net"


def test_imds_via_proxy(wire):
    r = wire.get(IMDS, headers={"Metadata": "true"})
    body = r.json()
    assert r.status_code == 200 and list(body) == ["access_token", "client_id", "expires_in", "expires_on",
                                                   "ext_expires_in", "not_before", "resource", "token_type"]
    assert body["client_id"] == S.VM_SYSTEM_CLIENT_ID and isinstance(body["expires_on"], str)
    r = wire.get(IMDS + f"&msi_res_id={S.USER_MI_RESOURCE_ID}", headers={"Metadata": "true"})
    assert r.json()["client_id"] == S.USER_MI_CLIENT_ID
    r = wire.get(IMDS)
    assert r.status_code == 400 and r.json() == {"error": "bad_request_102",
                                                 "error_description": "Required metadata header not specified"}
    r = wire.get(IMDS + "&client_id=00000000-0000-4000-8000-000000000000", headers={"Metadata": "true"})
    assert r.json() == {"error": "invalid_request", "error_description": "Identity not found"}


@pytest.mark.parametrize("status", [410, 429, 503])
def test_imds_faults(wire, fake_azure, status):
    fake_azure.inject("imds", "status", status=status, retry_after=1)
    r = wire.get(IMDS, headers={"Metadata": "true"})
    assert r.status_code == status and r.headers.get("Retry-After") == "1"
    assert wire.get(IMDS, headers={"Metadata": "true"}).status_code == 200


def test_nmi(fake_azure):
    url = f"http://127.0.0.1:{fake_azure.nmi_port}/host/token/?resource=https://vault.azure.net"
    r = requests.get(url, headers={"podname": S.POD_NAME, "podns": S.POD_NAMESPACE}, proxies={"http": None})
    body = r.json()
    assert r.status_code == 200 and body["clientid"] == S.POD_MI_CLIENT_ID
    assert set(body["token"]) == {"access_token", "refresh_token", "expires_in", "expires_on", "not_before",
                                  "resource", "token_type"}
    assert isinstance(body["token"]["expires_on"], str)
    r = requests.get(url, proxies={"http": None})
    assert r.status_code == 400 and r.text == "missing 'podname' and 'podns' from request header\n"
    r = requests.get(url, headers={"podname": "other", "podns": "default"}, proxies={"http": None})
    assert r.status_code == 404
    r = requests.get(url.split("?")[0] + "?resource=", headers={"podname": "demo-pod", "podns": "default"})
    assert r.status_code == 400 and r.text == "parameter resource cannot be empty\n"
    # the NMI token opens kv-demo
    w = Wire(fake_azure)
    assert w.kv("/secrets/app-secret?api-version=7.4", body["token"]["access_token"]).status_code == 200


# ---- faults -------------------------------------------------------------------------------------------
def wait_for_log(fa, server, count, timeout=5):
    """The server's log once it holds `count` entries (a hung request is logged when it finally answers)."""
    deadline = time.monotonic() + timeout
    while len(fa.requests(server)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return fa.requests(server)


def test_fault_reset_truncate_hang_latency(wire, fake_azure):
    tok = wire.sp_token()
    path = "/secrets/db-password?api-version=7.4"
    fake_azure.inject("keyvault", "reset")
    # Through a CONNECT tunnel the reset reaches the client as the proxy closing the connection.
    with pytest.raises(requests.exceptions.ProxyError, match="Remote end closed connection without response"):
        wire.kv(path, tok)
    fake_azure.inject("keyvault", "truncate")
    with pytest.raises(requests.exceptions.ChunkedEncodingError, match=r"IncompleteRead\(140 bytes read, 140 more expected\)"):
        wire.kv(path, tok).json()
    fake_azure.inject("keyvault", "hang", seconds=1.5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        wire.kv(path, tok, timeout=0.5)
    fake_azure.inject("keyvault", "latency", ms=300)
    t = time.monotonic()
    assert wire.kv(path, tok).status_code == 200
    assert time.monotonic() - t >= 0.3
    fake_azure.inject("keyvault", "status", count=2, status=500)
    assert [wire.kv(path, tok).status_code for _ in range(3)] == [500, 500, 200]
    log = wait_for_log(fake_azure, "keyvault", 7)
    # The hung request's client gave up after 0.5 s: the fake sees the connection close and logs it then
    # (status 0, client_closed), without answering.
    assert [(r["fault"], r["status"], r["client_closed"]) for r in log] == [
        ("reset", 0, False), ("truncate", 200, False), ("hang", 0, True), (None, 200, False), ("status", 500, False),
        ("status", 500, False), (None, 200, False)]


def test_hold_keeps_a_request_open_until_released(wire, fake_azure):
    """`hold` answers nothing until the test releases it; the client then gets the normal answer, and the
    next request is not held (count=1)."""
    tok = wire.sp_token()
    path = "/secrets/db-password?api-version=7.4"
    fid = fake_azure.inject("keyvault", "hold", path_contains="/secrets/db-password")
    result = {}
    thread = threading.Thread(target=lambda: result.update(r=wire.kv(path, tok, timeout=30)))
    thread.start()
    assert fake_azure.wait_held(fid, timeout=10)
    time.sleep(0.3)
    assert thread.is_alive() and fake_azure.requests("keyvault") == []  # unanswered, not yet logged
    fake_azure.release(fid)
    thread.join(10)
    assert (result["r"].status_code, result["r"].json()["value"]) == (200, "s3cr3t-Pa55w0rd!")
    assert [(r["fault"], r["status"]) for r in fake_azure.requests("keyvault")] == [("hold", 200)]
    assert wire.kv(path, tok).status_code == 200  # used up: not held again


def test_reset_releases_held_requests_and_restores_latency(wire, fake_azure):
    """Between tests nothing stays stuck or slow: reset() lets held requests answer and puts the latency
    back to the start value (0 for the session fakes)."""
    tok = wire.sp_token()
    fid = fake_azure.inject("keyvault", "hold")
    thread = threading.Thread(target=lambda: wire.kv("/secrets/db-password?api-version=7.4", tok, timeout=30))
    thread.start()
    assert fake_azure.wait_held(fid, timeout=10)
    fake_azure.set_latency(2000)
    fake_azure.reset()
    thread.join(10)
    assert not thread.is_alive()
    assert fake_azure.faults.latency_ms == {s: 0 for s in ("keyvault", "entra", "imds", "nmi")}
    t = time.monotonic()
    assert wire.kv("/secrets/db-password?api-version=7.4", tok).status_code == 200
    assert time.monotonic() - t < 1


def test_global_latency_survives_reset(tmp_path):
    """A start latency (latency_ms=) is the base that reset() restores, not zero."""
    with FakeAzure.start(latency_ms=200, state_dir=str(tmp_path / "s")) as fa:
        w = Wire(fa)
        fa.set_latency(0)
        fa.reset()
        t = time.monotonic()
        assert w.get(IMDS, headers={"Metadata": "true"}).status_code == 200
        assert time.monotonic() - t >= 0.2


# ---- strictness: headers, proxy credentials, token request form, IMDS behind a proxy ----------------------
def test_log_records_request_headers_but_only_the_scheme_of_authorization(wire, fake_azure):
    tok = wire.sp_token()
    wire.get("https://kv-demo.vault.azure.net/secrets/db-password?api-version=7.4",
             headers={"Authorization": f"Bearer {tok}", "User-Agent": "probe/1.0", "x-ms-client-request-id": "req-1"})
    token_post, kv_get = fake_azure.requests()
    assert token_post["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert "authorization" not in token_post["headers"]
    assert kv_get["headers"] == {"user-agent": "probe/1.0", "x-ms-client-request-id": "req-1",
                                 "authorization": "Bearer"}
    assert tok not in json.dumps(fake_azure.requests()), "an access token reached the request log"


TOKEN_URL = f"https://login.microsoftonline.com/{S.TENANT_ID}/oauth2/v2.0/token"
SP_FORM = {"grant_type": "client_credentials", "client_id": S.SP_CLIENT_ID, "client_secret": S.SP_CLIENT_SECRET,
           "scope": "https://vault.azure.net/.default"}


def test_entra_reads_a_form_body_only(wire):
    """The same parameters as JSON are no parameters at all for Entra ID: 400 AADSTS900144 (grant_type)."""
    r = wire.post(TOKEN_URL, json=SP_FORM)
    assert (r.status_code, r.json()["error"], r.json()["error_codes"]) == (400, "invalid_request", [900144])
    assert r.json()["error_description"].startswith(
        "AADSTS900144: The request body must contain the following parameter: 'grant_type'.")
    assert wire.post(TOKEN_URL, data=SP_FORM).status_code == 200


def test_entra_refuses_a_secret_and_an_assertion_together(wire, fake_azure):
    assertion = fake_azure.mint_service_account_token(S.WORKLOAD_NAMESPACE, S.WORKLOAD_SERVICE_ACCOUNT)
    form = dict(SP_FORM, client_assertion=assertion,
                client_assertion_type="urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    r = wire.post(TOKEN_URL, data=form)
    assert (r.status_code, r.json()["error"], r.json()["error_codes"]) == (400, "invalid_request", [9002313])


def test_imds_refuses_a_request_carrying_x_forwarded_for(wire, fake_azure):
    r = wire.get(IMDS, headers={"Metadata": "true", "X-Forwarded-For": "10.0.0.4"})
    assert r.status_code == 400 and r.json() == {
        "error": "bad_request", "error_description": "Requests with an X-Forwarded-For header are not accepted"}
    assert wire.get(IMDS, headers={"Metadata": "true"}).status_code == 200


PROXY_USER = ("egress", "proxy-pass~0123456789")


@pytest.fixture(scope="module")
def authenticating_fakes(tmp_path_factory):
    with FakeAzure.start(proxy_auth=PROXY_USER, state_dir=str(tmp_path_factory.mktemp("proxy-auth"))) as fa:
        yield fa


def test_proxy_with_credentials_answers_407_without_them(authenticating_fakes):
    fa = authenticating_fakes
    assert fa.proxy_url.startswith("http://egress:proxy-pass~0123456789@127.0.0.1:")
    bare = fa.proxy_url.replace("egress:proxy-pass~0123456789@", "")
    wrong = fa.proxy_url.replace("proxy-pass~0123456789", "wrong")
    for proxy in (bare, wrong):
        with pytest.raises(requests.exceptions.ProxyError, match="407 Proxy Authentication Required"):
            requests.get("https://kv-demo.vault.azure.net/secrets/x?api-version=7.4", proxies={"https": proxy},
                         verify=fa.ca_bundle, timeout=10)
        r = requests.get(IMDS, headers={"Metadata": "true"}, proxies={"http": proxy}, timeout=10)
        assert (r.status_code, r.headers["Proxy-Authenticate"]) == (407, 'Basic realm="fakeazure"')
    assert fa.proxy.auth_failures == ["kv-demo.vault.azure.net:443", IMDS] * 2
    assert [c for c in fa.proxy.connections] == []  # nothing was relayed
    assert Wire(fa).get(IMDS, headers={"Metadata": "true"}).status_code == 200  # with the URL's credentials


# ---- proxy, admin, launcher, seed constants -----------------------------------------------------------
def test_proxy_refuses_unknown_hosts(wire, fake_azure):
    for url in ("https://example.com/", "https://vault.azure.net.evil.test/", "https://a.b.vault.azure.net/",
                "https://169.254.169.254/"):
        with pytest.raises(requests.exceptions.ProxyError):  # CONNECT refused with 502
            wire.get(url)
    assert wire.get("http://example.com/").status_code == 502
    assert wire.get("http://kv-demo.vault.azure.net/").status_code == 502  # Key Vault is HTTPS only
    assert not [c for c in fake_azure.proxy.connections if c[2] and "example" in c[0]]


def test_admin_endpoint(fake_azure):
    a = fake_azure.admin_url
    assert requests.get(a + "/info").json()["tenant_id"] == S.TENANT_ID
    assert requests.post(a + "/faults", json={"server": "imds", "kind": "status", "status": 429}).status_code == 200
    w = Wire(fake_azure)
    assert w.get(IMDS, headers={"Metadata": "true"}).status_code == 429
    log = requests.get(a + "/requests", params={"server": "imds"}).json()
    assert [e["status"] for e in log] == [429]
    tok = requests.post(a + "/service-account-token", json={"namespace": "default",
                                                           "service_account": "workload-sa"}).json()["token"]
    r = w.post(f"https://login.microsoftonline.com/{S.TENANT_ID}/oauth2/v2.0/token",
               data={"grant_type": "client_credentials", "client_id": S.WORKLOAD_CLIENT_ID,
                     "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                     "client_assertion": tok, "scope": "https://vault.azure.net/.default"})
    assert r.status_code == 200
    assert requests.delete(a + "/requests").status_code == 200 and fake_azure.requests() == []


def test_default_seed_constants_match_yaml():
    spec = yaml.safe_load(open(S.DEFAULT_SEED_PATH))
    ids = spec["identities"]
    assert spec["tenant_id"] == S.TENANT_ID and spec["oidc_issuer"] == S.OIDC_ISSUER
    assert (ids["sp"]["client_id"], ids["sp"]["client_secret"]) == (S.SP_CLIENT_ID, S.SP_CLIENT_SECRET)
    assert ids["restricted-sp"]["client_id"] == S.RESTRICTED_SP_CLIENT_ID
    assert ids["workload"]["client_id"] == S.WORKLOAD_CLIENT_ID
    assert ids["workload"]["federated_credentials"][0]["subject"] == S.WORKLOAD_SUBJECT
    assert ids["vm-system"]["client_id"] == S.VM_SYSTEM_CLIENT_ID
    assert (ids["user-mi"]["client_id"], ids["user-mi"]["resource_id"]) == (S.USER_MI_CLIENT_ID, S.USER_MI_RESOURCE_ID)
    assert ids["pod-mi"]["client_id"] == S.POD_MI_CLIENT_ID
    assert spec["pod_identities"] == [{"namespace": S.POD_NAMESPACE, "pod": S.POD_NAME, "identity": "pod-mi"}]
    assert [v["name"] for v in spec["vaults"]] == S.VAULTS


def test_launcher(tmp_path):
    t = time.monotonic()
    p = subprocess.Popen([sys.executable, "-m", "fakeazure", "--state-dir", str(tmp_path)], cwd=HERE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = p.stdout.readline()
        info = json.loads(line)
        elapsed = time.monotonic() - t
        for k in ("pid", "proxy_url", "ca_bundle", "nmi_port", "admin_url", "tenant_id", "oidc_issuer", "vaults",
                  "identities"):
            assert k in info
        assert info["pid"] == p.pid and "kv-demo" in info["vaults"]
        assert requests.get(info["admin_url"] + "/info").json()["proxy_url"] == info["proxy_url"]
        print(f"launcher ready after {elapsed:.2f}s (cold key cache)")
    finally:
        p.send_signal(signal.SIGTERM)
        assert p.wait(10) == 0
    assert p.stdout.read() == ""  # exactly one line
