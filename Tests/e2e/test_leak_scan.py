"""Leak scan (issue 14): a representative set of mounts (every identity mode, every object kind and format,
retries, token renewals, throttling, resets, refusals and failures) against a provider at `-v 5` with JSON
logs; then every log line, every error a client received, and the `/metrics` scrape when the provider serves
one, are scanned for every seeded secret value, every private key and PFX of the seed, every access token the
fakes issued, every client secret and every service-account token. One hit fails the test.

A hit is any 16-character window of a credential (whole values when shorter), in the text as written or in
a hex dump of bytes; any JWT header (`eyJ`) is a hit too. The figures are printed (pytest -s)."""
import base64
import json
import re

import grpc
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from driver_client import DriverClient
from provider_process import free_port
from reliability import scrape_metrics, start_azure_provider
from fakeazure import seed as S
from test_mount_auth import CLOUDS, MODES, RESTRICTED, attributes, identity, sa_token_of

WINDOW = 16


# ---- what must never appear ---------------------------------------------------------------------------

def seeded_secrets(fa):
    """{name: text} of every secret value (all versions, all vaults, disabled ones too), every certificate's
    backing secret (PFX base64 or PEM) and its private key as PKCS#8 PEM, and the client secrets."""
    found = {"sp client secret": S.SP_CLIENT_SECRET, "restricted-sp client secret": S.RESTRICTED_SP_CLIENT_SECRET}
    for vault in fa.seed["vaults"]:
        for obj in vault.get("secrets", []):
            for v in obj["versions"]:
                found[f"{vault['name']}/secrets/{obj['name']}/{v['version']}"] = v["value"]
        for obj in vault.get("certificates", []):
            for v in obj["versions"]:
                value = v["secret"]["value"]
                found[f"{vault['name']}/certificates/{obj['name']}/{v['version']} backing secret"] = value
                found[f"{vault['name']}/certificates/{obj['name']}/{v['version']} private key"] = private_key_pem(value)
    return found


def private_key_pem(value):
    """The PKCS#8 PEM body (base64 lines joined) of a backing secret's key, PFX or PEM."""
    if value.startswith("-----"):
        block = re.search(r"-----BEGIN PRIVATE KEY-----\n(.*?)-----END", value, re.S).group(1)
        return block.replace("\n", "")
    key, _, _ = pkcs12.load_key_and_certificates(base64.b64decode(value), None)
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return base64.b64encode(der).decode()


def benign_text(fa):
    """Text that is no secret although a credential may share a window with it: the seed's vault, object and
    identity names (e.g. the object "restricted-secret" and the client secret "fake-restricted-secret~...")."""
    names = [vault["name"] for vault in fa.seed["vaults"]] + list(fa.seed["identities"])
    for vault in fa.seed["vaults"]:
        names += [obj["name"] for kind in ("secrets", "keys", "certificates") for obj in vault.get(kind, [])]
    return "\n".join(names)


def hits(text, credentials, benign=""):
    """Names of the credentials of which `text` holds a window (not also in `benign`), as written or
    hex-dumped; "a JWT" for eyJ."""
    decoded = [bytes.fromhex(run[: len(run) // 2 * 2]).decode("utf-8", "replace")
               for run in re.findall(r"[0-9a-fA-F]{32,}", text)]
    haystack = text + "\n" + "\n".join(decoded)
    found = {"a JWT"} if "eyJ" in haystack else set()
    for name, value in credentials.items():
        size = min(WINDOW, len(value))
        windows = {value[i:i + size] for i in range(0, len(value) - size + 1)}
        if any(w in haystack for w in windows if w not in benign):
            found.add(name)
    return sorted(found)


# ---- the mounts -----------------------------------------------------------------------------------------

def objects(*specs):
    return "array:\n" + "".join("  - |\n" + "".join(f"    {k}: {v}\n" for k, v in spec.items()) for spec in specs)


EVERY_KIND = objects(
    {"objectName": "app-secret", "objectType": "secret", "objectVersionHistory": 3},
    {"objectName": "json-secret", "objectType": "secret"},
    {"objectName": "b64-secret", "objectType": "secret", "objectEncoding": "base64", "objectAlias": "b64.bin"},
    {"objectName": "hex-secret", "objectType": "secret", "objectEncoding": "hex", "objectAlias": "hex.bin"},
    {"objectName": "rsa-key", "objectType": "key"},
    {"objectName": "ec-p384-key", "objectType": "key"},
    {"objectName": "chain-cert", "objectType": "secret"},
    {"objectName": "chain-cert-modern", "objectType": "secret", "objectFormat": "pfx", "objectAlias": "modern.pfx"},
    {"objectName": "chain-cert-pem", "objectType": "secret"},
    {"objectName": "selfsigned-ec-cert", "objectType": "cert"},
)


def run_mounts(fa, client):
    """Mounts of every kind, mode and failure; returns the error messages the client received."""
    errors = []

    def attempt(attrs, secrets):
        try:
            client.mount(attrs, secrets, timeout=30)
        except grpc.RpcError as e:
            errors.append(e.details())

    sp = identity(fa, "service-principal")
    attempt(dict(attributes(sp), objects=EVERY_KIND), sp.secrets)
    for mode in MODES:
        ident = identity(fa, mode)
        for cloud in CLOUDS[:2]:
            attempt(attributes(ident, cloud=cloud), ident.secrets)
    # Retries, renewals, throttling and broken connections.
    fa.expire_tokens()
    fa.inject("keyvault", "status", count=2, status=503)
    fa.inject("keyvault", "status", count=1, status=429, retry_after=0)
    fa.inject("keyvault", "reset_body", count=1)
    fa.inject("imds", "status", count=1, status=410)
    for mode in MODES:
        ident = identity(fa, mode)
        attempt(dict(attributes(ident), objects=EVERY_KIND), ident.secrets)
    # Failures: refusals, a denied vault, a missing, a disabled and an undecodable object, a truncated answer.
    wrong = identity(fa, "service-principal", client_secret="wrong-secret~0123456789abcdefghijkl")
    attempt(attributes(wrong), wrong.secrets)
    intruder = identity(fa, "workload-identity", namespace="intruder-ns")
    attempt(attributes(intruder), None)
    attempt(attributes(sp, cloud=RESTRICTED), sp.secrets)
    for spec in ({"objectName": "no-such-secret", "objectType": "secret"},
                 {"objectName": "disabled-secret", "objectType": "secret"},
                 {"objectName": "db-password", "objectType": "secret", "objectEncoding": "base64"}):
        attempt(dict(attributes(sp), objects=objects(spec)), sp.secrets)
    fa.inject("keyvault", "status", count=1, status=200, body='{"value":"s3cr3t-Pa55w0rd!", "id": ')
    attempt(attributes(sp), sp.secrets)
    fa.clear_faults()
    return errors, [wrong.secrets["clientsecret"], sa_token_of(intruder)]


def test_no_secret_key_token_or_client_secret_in_logs_errors_or_metrics(fake_azure, issued_tokens, monkeypatch):
    issued = issued_tokens
    minted = []
    mint = fake_azure.mint_service_account_token

    def recording_mint(*args, **kwargs):
        minted.append(mint(*args, **kwargs))
        return minted[-1]
    monkeypatch.setattr(fake_azure, "mint_service_account_token", recording_mint)
    metrics_port = free_port()
    process = start_azure_provider(fake_azure, "-v=5", "--log-format-json", f"--prometheus-port={metrics_port}")
    client = DriverClient(process.socket_path)
    try:
        sa_tokens_before = len(issued)
        errors, extra_credentials = run_mounts(fake_azure, client)
        metrics = scrape_metrics(metrics_port)
    finally:
        client.close()
        process.stop()
    log_lines = process.log().splitlines()
    credentials = seeded_secrets(fake_azure)
    credentials.update({f"access token {i}": t for i, t in enumerate(issued)})
    credentials.update({f"credential used by a failing mount {i}": c for i, c in enumerate(extra_credentials)})
    credentials.update({f"service-account token {i}": t for i, t in enumerate(minted)})

    assert sa_tokens_before == 0 and len(issued) >= 5, len(issued)     # every mode got tokens, renewals too
    records = [json.loads(line) for line in log_lines]     # every line is one JSON object
    assert len(errors) == 7, errors
    assert [r["level"] for r in records if r["msg"] == "starting"] == ["info"]
    messages = {r["msg"] for r in records}
    # -v 5 is on: the provider's HTTP lines and the HTTP client library's own per-request lines are there.
    assert {"azure http", "Request was scheduled on connection", "token acquired", "mount"} <= messages
    scanned = {"log": "\n".join(log_lines), "errors": "\n".join(errors), "metrics": metrics or ""}
    benign = benign_text(fake_azure)
    found = {where: hits(text, credentials, benign) for where, text in scanned.items()}
    if metrics is None:
        print("metrics: not served by this build (nothing listens on --prometheus-port)")
    print("leak scan:", json.dumps({"log_lines": len(log_lines), "errors": len(errors),
                                    "metrics_lines": len((metrics or "").splitlines()),
                                    "metrics_served": metrics is not None, "credentials": len(credentials),
                                    "access_tokens": len(issued), "hits": found}))
    assert found == {"log": [], "errors": [], "metrics": []}
