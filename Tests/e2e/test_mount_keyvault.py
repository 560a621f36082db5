"""Mounts through the real path (issue 6): the provider binary on a Unix socket, a driver-like gRPC client,
the fake Key Vault and Entra ID behind an HTTP proxy with a test CA.

Covers every object kind, format and encoding (compared with what `cryptography` derives from the seeded
material), file naming and modes, version history with paging, Key Vault failures and their gRPC codes
and messages, retries, deadlines, secrecy of the logs, and the number of round trips.
"""
import base64
import datetime
import json
import re
import time

import grpc
import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

import service_pb2
import service_pb2_grpc
from conftest import fake_azure_flags
from driver_client import DriverClient, pod_attributes, write_atomically
from fakeazure import FakeAzure, seed
from fakeazure import material, pkcs12 as fake_pkcs12

SP_SECRETS = {"clientid": seed.SP_CLIENT_ID, "clientsecret": seed.SP_CLIENT_SECRET}
PREFIX = "failed to mount objects, error: "
PEM = serialization.Encoding.PEM


# ---- helpers: parameters, mounts, seeded material ---------------------------------------------------

def objects_yaml(*objects):
    """The class's `objects` parameter: `array:` of YAML documents, as users write it."""
    out = "array:\n"
    for obj in objects:
        out += "  - |\n" + "".join(f"    {k}: {v}\n" for k, v in obj.items())
    return out


def secret(name, **fields):
    return dict(objectName=name, objectType="secret", **fields)


def key(name, **fields):
    return dict(objectName=name, objectType="key", **fields)


def cert(name, **fields):
    return dict(objectName=name, objectType="cert", **fields)


def mount(client, *objects, vault="kv-demo", permission=0o644, **kwargs):
    parameters = {"keyvaultName": vault, "tenantID": seed.TENANT_ID, "objects": objects_yaml(*objects)}
    return client.mount(pod_attributes(parameters), SP_SECRETS, permission=permission, **kwargs)


def mount_error(client, *objects, **kwargs):
    with pytest.raises(grpc.RpcError) as error:
        mount(client, *objects, **kwargs)
    return error.value


def files_of(response):
    return [(f.path, f.mode, f.contents) for f in response.files]


def versions_of(response):
    return [(v.id, v.version) for v in response.object_version]


def seeded_versions(fa, kind, name, vault="kv-demo"):
    """The materialized seed's versions of one object (explicit versions, values, jwk, cer)."""
    spec = next(v for v in fa.seed["vaults"] if v["name"] == vault)
    return next(o for o in spec[kind] if o["name"] == name)["versions"]


def newest(versions):
    return max(versions, key=lambda v: (v["created"], v["version"]))


def latest(fa, kind, name, vault="kv-demo"):
    return newest(seeded_versions(fa, kind, name, vault))


def certificate_secret_value(fa, name):
    """The backing secret (base64 PFX or PEM text) of a seeded certificate's latest version."""
    return latest(fa, "certificates", name)["secret"]["value"]


def b64url_int(text):
    return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")


CURVES = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "P-521": ec.SECP521R1()}


def public_pem_of_jwk(jwk):
    """`cryptography`'s PKIX PEM of the seeded JWK: what the provider must write for a key."""
    if jwk["kty"].startswith("RSA"):
        public = rsa.RSAPublicNumbers(b64url_int(jwk["e"]), b64url_int(jwk["n"])).public_key()
    else:
        public = ec.EllipticCurvePublicNumbers(b64url_int(jwk["x"]), b64url_int(jwk["y"]), CURVES[jwk["crv"]]).public_key()
    return public.public_bytes(PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def certificate_pem_of_cer(cer):
    return x509.load_der_x509_certificate(base64.b64decode(cer)).public_bytes(PEM)


def pem_of_pfx_in_chain_order(pfx):
    """PKCS#8 key, then leaf, intermediate, root (cryptography's serialisation of the PFX's content)."""
    private_key, leaf, others = pkcs12.load_key_and_certificates(pfx, None)
    chain = [leaf]
    while len(chain) <= len(others):
        chain.append(next(c for c in others if c.subject == chain[-1].issuer))
    key_pem = private_key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return key_pem + b"".join(c.public_bytes(PEM) for c in chain)


PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z ]+)-----\n(.*?)-----END \1-----\n", re.S)


def pem_blocks(data):
    """[(type, full block bytes)], and asserts nothing but PEM blocks is in data."""
    blocks = [(m.group(1).decode(), m.group(0)) for m in PEM_BLOCK.finditer(data)]
    assert b"".join(b for _, b in blocks) == data
    return blocks


def kv_requests(fa, path_contains=""):
    return [r for r in fa.requests("keyvault") if path_contains in r["path"]]


def token_requests(fa):
    return [r for r in fa.requests("entra") if r["method"] == "POST"]


def single_attempt_stub(socket_path):
    """A channel without the driver's UNAVAILABLE retries, to time one provider answer."""
    channel = grpc.insecure_channel("unix:" + socket_path, options=[("grpc.enable_retries", 0),
                                                                    ("grpc.default_authority", "localhost")])
    return channel, service_pb2_grpc.CSIDriverProviderStub(channel)


def single_attempt_mount(socket_path, *objects, timeout=60):
    parameters = {"keyvaultName": "kv-demo", "tenantID": seed.TENANT_ID, "objects": objects_yaml(*objects)}
    channel, stub = single_attempt_stub(socket_path)
    request = service_pb2.MountRequest(attributes=json.dumps(pod_attributes(parameters)),
                                       secrets=json.dumps(SP_SECRETS), permission="420", target_path="/tmp/t")
    try:
        return stub.Mount(request, timeout=timeout, wait_for_ready=True)
    finally:
        channel.close()


@pytest.fixture
def flagged_client(fake_azure, start_provider):
    """Starts a provider wired to the session fakes with extra flags; returns (provider, DriverClient)."""
    clients = []

    def start(*flags):
        args, env = fake_azure_flags(fake_azure, *flags)
        provider = start_provider(*args, env=env)
        clients.append(DriverClient(provider.socket_path))
        return provider, clients[-1]

    yield start
    for c in clients:
        c.close()


# ---- secrets: values and encodings -------------------------------------------------------------------

@pytest.mark.parametrize("name, fields, expected", [
    ("app-secret", {}, lambda fa: b"app-secret value v5"),
    ("db-password", {}, lambda fa: b"s3cr3t-Pa55w0rd!"),
    ("json-secret", {}, lambda fa: b'{"username": "admin", "password": "hunter2", "port": 5432}'),
    ("b64-secret", {"objectEncoding": "base64"}, lambda fa: bytes(range(256))),
    ("b64-secret", {"objectEncoding": "Base64"}, lambda fa: bytes(range(256))),
    ("b64-secret", {}, lambda fa: latest(fa, "secrets", "b64-secret")["value"].encode()),
    ("b64-secret", {"objectEncoding": "utf-8"}, lambda fa: latest(fa, "secrets", "b64-secret")["value"].encode()),
    ("hex-secret", {"objectEncoding": "hex"}, lambda fa: bytes(range(64))),
])
def test_secret_value_and_encoding(fake_azure, azure_client, name, fields, expected):
    """A plain secret is its latest enabled value, decoded per objectEncoding (case-insensitive), with the
    id `secret/<name>` and the version of the latest Key Vault version."""
    response = mount(azure_client, secret(name, **fields))
    assert files_of(response) == [(name, 0o644, expected(fake_azure))]
    assert versions_of(response) == [(f"secret/{name}", latest(fake_azure, "secrets", name)["version"])]


@pytest.mark.parametrize("encoding, reason", [
    ("base64", "failed to decode the secret value as base64: illegal base64 data"),
    ("hex", "failed to decode the secret value as hex: invalid byte at offset 1"),
])
def test_undecodable_secret_is_invalid_argument_naming_the_object(fake_azure, azure_client, encoding, reason):
    """`app-secret value v5` is neither base64 nor hex: INVALID_ARGUMENT naming the object, never the value."""
    error = mount_error(azure_client, secret("app-secret", objectEncoding=encoding))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    version = latest(fake_azure, "secrets", "app-secret")["version"]
    assert error.details() == f"{PREFIX}failed to get objectType:secret, objectName:app-secret, objectVersion:{version}: {reason}"
    assert "app-secret value" not in error.details()


def test_pinned_object_version_is_fetched_by_version(fake_azure, azure_client):
    """objectVersion selects that version (GET .../<version>), not the latest."""
    response = mount(azure_client, secret("app-secret", objectVersion="b1f1a5f1f46838790b007942b3ea611f"))
    assert files_of(response) == [("app-secret", 0o644, b"app-secret value v1")]
    assert versions_of(response) == [("secret/app-secret", "b1f1a5f1f46838790b007942b3ea611f")]
    assert [r["path"] for r in kv_requests(fake_azure)] == [
        "/secrets/app-secret/b1f1a5f1f46838790b007942b3ea611f?api-version=7.4"]


# ---- keys and certificates ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["rsa-key", "rsa4096-key", "ec-p256-key", "ec-p384-key", "ec-p521-key"])
def test_key_is_the_public_key_as_pkix_pem(fake_azure, azure_client, name):
    """A key is written as the `PUBLIC KEY` PEM of the latest version's JWK, byte for byte what
    cryptography serialises; its version is the one in the key's kid."""
    newest_key = latest(fake_azure, "keys", name)
    response = mount(azure_client, key(name))
    assert files_of(response) == [(name, 0o644, public_pem_of_jwk(newest_key["jwk"]))]
    assert versions_of(response) == [(f"key/{name}", newest_key["version"])]
    assert kv_requests(fake_azure)[0]["path"] == f"/keys/{name}/?api-version=7.4"


@pytest.mark.parametrize("name", ["selfsigned-cert", "selfsigned-ec-cert", "chain-cert", "chain-cert-modern"])
def test_cert_is_the_pem_of_cer(fake_azure, azure_client, name):
    """objectType cert is the `CERTIFICATE` PEM of the bundle's `cer` only (no key, no chain)."""
    newest_cert = latest(fake_azure, "certificates", name)
    response = mount(azure_client, cert(name))
    assert files_of(response) == [(name, 0o644, certificate_pem_of_cer(newest_cert["cer"]))]
    assert versions_of(response) == [(f"cert/{name}", newest_cert["version"])]
    assert kv_requests(fake_azure)[0]["path"] == f"/certificates/{name}/?api-version=7.4"


# ---- certificate-backed secrets ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["chain-cert", "chain-cert-modern", "selfsigned-cert"])
def test_pkcs12_backed_secret_is_key_then_leaf_intermediate_root(fake_azure, azure_client, name):
    """Legacy (3DES/RC2-40/SHA-1) and modern (PBES2/AES/SHA-256) PKCS#12: PKCS#8 `PRIVATE KEY` first, then
    the chain leaf -> intermediate -> root; the key belongs to the leaf."""
    pfx = base64.b64decode(certificate_secret_value(fake_azure, name))
    response = mount(azure_client, secret(name))
    assert files_of(response) == [(name, 0o644, pem_of_pfx_in_chain_order(pfx))]
    assert versions_of(response) == [(f"secret/{name}", latest(fake_azure, "certificates", name)["version"])]

    blocks = pem_blocks(response.files[0].contents)
    assert [t for t, _ in blocks] == ["PRIVATE KEY"] + ["CERTIFICATE"] * (len(blocks) - 1)
    private_key = serialization.load_pem_private_key(blocks[0][1], None)
    chain = [x509.load_pem_x509_certificate(b) for _, b in blocks[1:]]
    assert private_key.public_key().public_bytes(PEM, serialization.PublicFormat.SubjectPublicKeyInfo) == \
        chain[0].public_key().public_bytes(PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    for child, parent in zip(chain, chain[1:]):
        assert child.issuer == parent.subject
    assert chain[-1].issuer == chain[-1].subject
    assert len(chain) == (1 if name == "selfsigned-cert" else 3)


def test_pem_backed_secret_is_passed_through_unchanged(fake_azure, azure_client):
    """application/x-pem-file is written as stored: the scrambled order (intermediate, key, root, leaf) stays."""
    stored = certificate_secret_value(fake_azure, "chain-cert-pem")
    response = mount(azure_client, secret("chain-cert-pem"))
    assert files_of(response) == [("chain-cert-pem", 0o644, stored.encode())]
    assert [t for t, _ in pem_blocks(response.files[0].contents)] == ["CERTIFICATE", "PRIVATE KEY", "CERTIFICATE", "CERTIFICATE"]


@pytest.mark.parametrize("name", ["chain-cert", "chain-cert-modern"])
def test_pfx_format_keeps_the_base64_text(fake_azure, azure_client, name):
    """objectFormat pfx: the secret's base64 text as is."""
    stored = certificate_secret_value(fake_azure, name)
    response = mount(azure_client, secret(name, objectFormat="pfx"))
    assert files_of(response) == [(name, 0o644, stored.encode())]


@pytest.mark.parametrize("name", ["chain-cert", "chain-cert-modern"])
def test_pfx_format_with_base64_encoding_is_the_binary_pfx(fake_azure, azure_client, name):
    """objectFormat pfx + objectEncoding base64: the binary PFX, which a PKCS#12 reader opens (empty password)."""
    stored = certificate_secret_value(fake_azure, name)
    response = mount(azure_client, secret(name, objectFormat="pfx", objectEncoding="base64"))
    assert files_of(response) == [(name, 0o644, base64.b64decode(stored))]
    private_key, leaf, others = pkcs12.load_key_and_certificates(response.files[0].contents, None)
    assert private_key is not None and len(others) == 2
    assert leaf.public_bytes(PEM) == certificate_pem_of_cer(latest(fake_azure, "certificates", name)["cer"])


@pytest.mark.parametrize("name", ["chain-cert", "chain-cert-modern"])
def test_separate_files_flag_adds_crt_and_key(fake_azure, flagged_client, name):
    """--write-cert-and-key-in-separate-files=true: `<file>.crt` (the certificates), `<file>.key` (the key)
    and `<file>`, in Go's order, each with the object's id and version; plain secrets get one file."""
    _, client = flagged_client("--write-cert-and-key-in-separate-files=true")
    response = mount(client, secret(name, objectAlias="tls", filePermission="0640"), secret("app-secret"))
    main = pem_of_pfx_in_chain_order(base64.b64decode(certificate_secret_value(fake_azure, name)))
    blocks = pem_blocks(main)
    crt = b"".join(b for t, b in blocks if t == "CERTIFICATE")
    key_pem = b"".join(b for t, b in blocks if t == "PRIVATE KEY")
    assert files_of(response) == [("tls.crt", 0o640, crt), ("tls.key", 0o640, key_pem), ("tls", 0o640, main),
                                  ("app-secret", 0o644, b"app-secret value v5")]
    version = latest(fake_azure, "certificates", name)["version"]
    assert versions_of(response) == [(f"secret/{name}", version)] * 3 + [
        ("secret/app-secret", latest(fake_azure, "secrets", "app-secret")["version"])]


def test_separate_files_of_a_pem_secret_keep_the_stored_order(fake_azure, flagged_client):
    """A PEM-backed secret split: `.crt` has its certificates in stored order, `.key` its key."""
    _, client = flagged_client("--write-cert-and-key-in-separate-files=true")
    stored = certificate_secret_value(fake_azure, "chain-cert-pem").encode()
    blocks = pem_blocks(stored)
    response = mount(client, secret("chain-cert-pem"))
    assert files_of(response) == [
        ("chain-cert-pem.crt", 0o644, b"".join(b for t, b in blocks if t == "CERTIFICATE")),
        ("chain-cert-pem.key", 0o644, b"".join(b for t, b in blocks if t == "PRIVATE KEY")),
        ("chain-cert-pem", 0o644, stored)]


# ---- a vault with hand-made material: chain order, unsupported keys ---------------------------------

CUSTOM_VERSION = "0123456789abcdef0123456789abcdef"


def leaf_with_key_identifiers(cn, leaf_key, issuer, issuer_key):
    """A leaf as public CAs issue them: Authority and Subject Key Identifiers present (the fakes' own
    leaves have no AKI, so their chains cannot be linked and are never reordered)."""
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
            .issuer_name(issuer.subject)
            .public_key(leaf_key.public_key())
            .serial_number(0x1234567)
            .not_valid_before(datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc))
            .not_valid_after(datetime.datetime(2035, 1, 1, tzinfo=datetime.timezone.utc))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key()), critical=False)
            .sign(issuer_key, hashes.SHA256()))


@pytest.fixture(scope="module")
def custom_azure(tmp_path_factory):
    """kv-custom: a PFX whose certificates are stored root, leaf, intermediate; an oct key; a P-256K key."""
    root_key, inter_key, leaf_key = (material.generate_key("EC-P256") for _ in range(3))
    root = material.make_ca("custom Root CA", root_key)
    inter = material.make_ca("custom Intermediate CA", inter_key, root, root_key, path_len=0)
    leaf = leaf_with_key_identifiers("custom-leaf.test", leaf_key, inter, inter_key)
    pfx = fake_pkcs12.build_pfx(leaf_key, [root, leaf, inter], "modern")
    with open(seed.DEFAULT_SEED_PATH, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    kid = f"https://kv-custom.vault.azure.net/keys/scrambled-pfx/{CUSTOM_VERSION}"
    spec["vaults"] = [{
        "name": "kv-custom", "access": ["sp"],
        "secrets": [{"name": "scrambled-pfx", "versions": [{
            "version": CUSTOM_VERSION, "value": base64.b64encode(pfx).decode(), "content_type": "application/x-pkcs12",
            "managed": True, "kid": kid}]},
            {"name": "kid-unknown-type", "versions": [{
                "version": CUSTOM_VERSION, "value": "x", "content_type": "text/plain", "managed": True, "kid": kid}]}],
        "keys": [{"name": "oct-key", "versions": [{"version": CUSTOM_VERSION, "jwk": {"kty": "oct", "key_ops": ["wrapKey"]}}]},
                 {"name": "k256-key", "versions": [{"version": CUSTOM_VERSION, "jwk": {
                     "kty": "EC", "crv": "P-256K", "x": "AQ", "y": "AQ"}}]}],
    }]
    fa = FakeAzure.start(seed=spec, state_dir=str(tmp_path_factory.mktemp("fakeazure-custom")))
    certs = {"root": material.cert_pem(root).encode(), "leaf": material.cert_pem(leaf).encode(),
             "inter": material.cert_pem(inter).encode()}
    key_pem = leaf_key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    yield fa, key_pem, certs
    fa.stop()


def custom_client(custom_azure, start_provider, *flags):
    fa = custom_azure[0]
    args, env = fake_azure_flags(fa, *flags)
    return DriverClient(start_provider(*args, env=env).socket_path)


@pytest.mark.parametrize("flag, order", [
    ("--construct-pem-chain=true", ["leaf", "inter", "root"]),
    ("--construct-pem-chain=false", ["root", "leaf", "inter"]),
])
def test_construct_pem_chain_flag(custom_azure, start_provider, flag, order):
    """With --construct-pem-chain (default true) the chain is reordered leaf -> intermediate -> root;
    with false the certificates keep the PFX's bag order. The key always comes first."""
    _, key_pem, certs = custom_azure
    client = custom_client(custom_azure, start_provider, flag)
    response = mount(client, secret("scrambled-pfx"), vault="kv-custom")
    assert files_of(response) == [("scrambled-pfx", 0o644, key_pem + b"".join(certs[c] for c in order))]
    assert versions_of(response) == [("secret/scrambled-pfx", CUSTOM_VERSION)]
    client.close()


@pytest.mark.parametrize("obj, reason", [
    (key("oct-key"), "failed to get key. key type 'oct' currently not supported"),
    (key("k256-key"), "curve P-256K is not supported"),
    (secret("kid-unknown-type"), "failed to get certificate. unknown content type 'text/plain'"),
])
def test_unsupported_content_is_invalid_argument_with_go_wording(custom_azure, start_provider, obj, reason):
    """Keys the Go provider cannot convert, and a certificate-backed secret of an unknown content type,
    fail the mount with the Go provider's wording after the object's prefix."""
    client = custom_client(custom_azure, start_provider)
    with pytest.raises(grpc.RpcError) as error:
        mount(client, obj, vault="kv-custom")
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.value.details() == (f"{PREFIX}failed to get objectType:{obj['objectType']}, objectName:{obj['objectName']}, "
                                     f"objectVersion:{CUSTOM_VERSION}: {reason}")
    client.close()


# ---- file names and modes ----------------------------------------------------------------------------

def test_alias_subdirectories_file_permission_and_default_mode(fake_azure, azure_client, tmp_path):
    """objectAlias names the file (sub-directories allowed) while the id keeps objectName; filePermission
    overrides the request's default permission, which applies to the others."""
    response = mount(azure_client,
                     secret("app-secret", objectAlias="dir/sub/app.txt", filePermission="0600"),
                     secret("db-password", objectAlias="db.txt"),
                     key("ec-p256-key", filePermission="0444"),
                     cert("selfsigned-cert"),
                     permission=0o640)
    ec_key = latest(fake_azure, "keys", "ec-p256-key")
    self_cert = latest(fake_azure, "certificates", "selfsigned-cert")
    assert files_of(response) == [
        ("dir/sub/app.txt", 0o600, b"app-secret value v5"),
        ("db.txt", 0o640, b"s3cr3t-Pa55w0rd!"),
        ("ec-p256-key", 0o444, public_pem_of_jwk(ec_key["jwk"])),
        ("selfsigned-cert", 0o640, certificate_pem_of_cer(self_cert["cer"])),
    ]
    assert [i for i, _ in versions_of(response)] == ["secret/app-secret", "secret/db-password", "key/ec-p256-key",
                                                     "cert/selfsigned-cert"]
    assert write_atomically(str(tmp_path), response.files) == ["db.txt", "dir", "ec-p256-key", "selfsigned-cert"]
    assert (tmp_path / "dir" / "sub" / "app.txt").read_bytes() == b"app-secret value v5"
    assert (tmp_path / "dir" / "sub" / "app.txt").stat().st_mode & 0o777 == 0o600


# ---- version history ---------------------------------------------------------------------------------

APP_SECRET_V = {1: "b1f1a5f1f46838790b007942b3ea611f", 2: "5d2266c2e46e2edac78d51bc721f7c17",
                3: "e5cbfadac963bb3c16a06ac807fb4852", 4: "b148dc0ac2e6f06d168407b51e3c5c9f",
                5: "2298825ff3ebcc9c4013995b47ca7ce8"}  # v3 is disabled


def history_files(numbers, name="app-secret"):
    return [(f"{name}/{i}", 0o644, f"app-secret value v{n}".encode()) for i, n in enumerate(numbers)]


def history_versions(numbers, name="app-secret"):
    return [(f"secret/{name}/{i}", APP_SECRET_V[n]) for i, n in enumerate(numbers)]


@pytest.mark.parametrize("fields, numbers", [
    ({"objectVersionHistory": 3}, [5, 4, 2]),
    ({"objectVersionHistory": 10}, [5, 4, 2, 1]),
    ({"objectVersionHistory": 3, "objectVersion": APP_SECRET_V[4]}, [4, 2, 1]),
    ({"objectVersionHistory": 3, "objectVersion": APP_SECRET_V[2]}, [2, 1]),
])
def test_version_history_newest_first_skipping_disabled(fake_azure, azure_client, fields, numbers):
    """objectVersionHistory N: `<file>/0..` newest first by created, disabled versions skipped, starting
    at objectVersion when set, at most N (fewer when fewer exist); ids `secret/<name>/<i>`; one list
    request and one GET per written version (the disabled one is never fetched)."""
    response = mount(azure_client, secret("app-secret", **fields))
    assert files_of(response) == history_files(numbers)
    assert versions_of(response) == history_versions(numbers)
    paths = [r["path"] for r in kv_requests(fake_azure)]
    assert paths[0] == "/secrets/app-secret/versions?api-version=7.4"
    assert sorted(paths[1:]) == sorted(f"/secrets/app-secret/{APP_SECRET_V[n]}?api-version=7.4" for n in numbers)


def test_version_history_of_a_key(fake_azure, azure_client):
    """History works for keys too: `key/<name>/<i>` newest first, each the PEM of that version's JWK."""
    versions = sorted(seeded_versions(fake_azure, "keys", "rsa-key"), key=lambda v: -v["created"])
    response = mount(azure_client, key("rsa-key", objectVersionHistory=2))
    assert files_of(response) == [(f"rsa-key/{i}", 0o644, public_pem_of_jwk(v["jwk"])) for i, v in enumerate(versions)]
    assert versions_of(response) == [(f"key/rsa-key/{i}", v["version"]) for i, v in enumerate(versions)]


def test_version_history_follows_next_link_and_gets_exactly_n(fake_azure, azure_client):
    """many-versions has 30 versions (two pages of 25): the provider follows nextLink (2 list requests,
    the second with $skiptoken) and GETs exactly the N newest."""
    versions = sorted(seeded_versions(fake_azure, "secrets", "many-versions"), key=lambda v: -v["created"])[:5]
    response = mount(azure_client, secret("many-versions", objectVersionHistory=5))
    assert files_of(response) == [(f"many-versions/{i}", 0o644, v["value"].encode()) for i, v in enumerate(versions)]
    assert [f.contents for f in response.files][0] == b"many-versions value 30"
    assert versions_of(response) == [(f"secret/many-versions/{i}", v["version"]) for i, v in enumerate(versions)]
    lists = kv_requests(fake_azure, "/versions")
    assert len(lists) == 2
    assert lists[0]["path"] == "/secrets/many-versions/versions?api-version=7.4"
    assert "$skiptoken=" in lists[1]["path"] and "maxresults=25" in lists[1]["path"]
    gets = [r for r in kv_requests(fake_azure, "/secrets/many-versions/") if "/versions" not in r["path"]]
    assert sorted(r["path"] for r in gets) == sorted(
        f"/secrets/many-versions/{v['version']}?api-version=7.4" for v in versions)


# ---- failures ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("obj, collection, code, singular", [
    (secret("no-such-object"), "secrets", "SecretNotFound", "secret"),
    (key("no-such-object"), "keys", "KeyNotFound", "key"),
    (cert("no-such-object"), "certificates", "CertificateNotFound", "certificate"),
])
def test_missing_object_is_not_found(fake_azure, azure_client, obj, collection, code, singular):
    """A missing object: NOT_FOUND, Go's prefix naming the object, then Key Vault's status, code and message."""
    error = mount_error(azure_client, obj)
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details().startswith(
        f"{PREFIX}failed to get objectType:{obj['objectType']}, objectName:no-such-object, objectVersion:: "
        f"status 404, code {code}: A {singular} with (name/id) no-such-object was not found in this key vault.")
    assert [r["status"] for r in kv_requests(fake_azure)] == [404]  # a 404 is not retried


def test_missing_version_is_not_found(azure_client):
    """A pinned version that does not exist names that version."""
    error = mount_error(azure_client, secret("app-secret", objectVersion="ffffffffffffffffffffffffffffffff"))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details().startswith(
        f"{PREFIX}failed to get objectType:secret, objectName:app-secret, objectVersion:ffffffffffffffffffffffffffffffff: "
        "status 404, code SecretNotFound")


@pytest.mark.parametrize("obj", [secret("disabled-secret"), secret("app-secret", objectVersion=APP_SECRET_V[3])])
def test_disabled_secret_or_version_is_permission_denied(azure_client, obj):
    """A disabled latest version or a pinned disabled version: PERMISSION_DENIED with Key Vault's message."""
    error = mount_error(azure_client, obj)
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error.details() == (
        f"{PREFIX}failed to get objectType:secret, objectName:{obj['objectName']}, objectVersion:{obj.get('objectVersion', '')}: "
        "status 403, code Forbidden (SecretDisabled): Operation get is not allowed on a disabled secret.")
    assert "you should never see this" not in error.details()


def test_identity_without_access_is_permission_denied(fake_azure, azure_client):
    """kv-restricted does not grant the service principal: PERMISSION_DENIED naming Forbidden/AccessDenied
    and the vault, no value of the secret."""
    error = mount_error(azure_client, secret("restricted-secret"), vault="kv-restricted")
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    details = error.details()
    assert details.startswith(f"{PREFIX}failed to get objectType:secret, objectName:restricted-secret, objectVersion:: "
                              "status 403, code Forbidden (AccessDenied): The user, group or application '")
    assert "does not have secrets get permission on key vault 'kv-restricted;location=westeurope'" in details
    assert "only restricted-sp may read this" not in details
    assert [r["status"] for r in kv_requests(fake_azure)] == [403]


@pytest.mark.parametrize("bad, code, reason", [
    (secret("no-such-object"), grpc.StatusCode.NOT_FOUND,
     "objectName:no-such-object, objectVersion:: status 404, code SecretNotFound: A secret with (name/id) "
     "no-such-object was not found in this key vault. If you recently deleted this secret you may be able to recover "
     "it using the correct recovery command. For help resolving this issue, please see "
     "https://go.microsoft.com/fwlink/?linkid=2125182"),
    (secret("app-secret", objectAlias="app-hex", objectEncoding="hex"), grpc.StatusCode.INVALID_ARGUMENT,
     f"objectName:app-secret, objectVersion:{APP_SECRET_V[5]}: failed to decode the secret value as hex: invalid byte "
     "at offset 1"),
    (secret("disabled-secret"), grpc.StatusCode.PERMISSION_DENIED,
     "objectName:disabled-secret, objectVersion:: status 403, code Forbidden (SecretDisabled): Operation get is not "
     "allowed on a disabled secret."),
], ids=["missing", "undecodable", "disabled"])
def test_one_bad_object_fails_the_whole_mount(fake_azure, azure_client, bad, code, reason):
    """All or nothing: one failing object among good ones fails the mount (no files at all) with that
    object's error alone; the same mount without it succeeds with the four files in order."""
    good = [secret("app-secret"), key("rsa-key"), cert("selfsigned-cert"), secret("db-password")]
    error = mount_error(azure_client, good[0], good[1], bad, good[2], good[3])
    assert (error.code(), error.details()) == (code, f"{PREFIX}failed to get objectType:secret, {reason}")
    assert [f.path for f in mount(azure_client, *good).files] == ["app-secret", "rsa-key", "selfsigned-cert", "db-password"]


# ---- transient failures, retries and deadlines -------------------------------------------------------

APP_SECRET_PATH = "/secrets/app-secret/"


def test_throttled_with_retry_after_then_success(fake_azure, azure_client):
    """429 with Retry-After: 1 is retried after one second, then the value is returned."""
    fake_azure.inject("keyvault", "status", count=1, status=429, retry_after=1, path_contains=APP_SECRET_PATH)
    started = time.monotonic()
    response = mount(azure_client, secret("app-secret"))
    assert time.monotonic() - started >= 0.95
    assert files_of(response) == [("app-secret", 0o644, b"app-secret value v5")]
    attempts = kv_requests(fake_azure, APP_SECRET_PATH)
    assert [r["status"] for r in attempts] == [429, 200]
    assert attempts[1]["time"] - attempts[0]["time"] >= 0.95


@pytest.mark.parametrize("kind, options, statuses", [
    ("status", {"status": 503}, [503, 503, 200]),
    ("reset", {}, [0, 0, 200]),
    ("truncate", {}, [200, 200, 200]),
])
def test_transient_failures_twice_then_success(fake_azure, azure_client, kind, options, statuses):
    """Two 503s, two connection resets or two truncated bodies are retried; the third attempt's value is
    returned, and nothing of the failed attempts leaks into the file."""
    fake_azure.inject("keyvault", kind, count=2, path_contains=APP_SECRET_PATH, **options)
    response = mount(azure_client, secret("app-secret"))
    assert files_of(response) == [("app-secret", 0o644, b"app-secret value v5")]
    attempts = kv_requests(fake_azure, APP_SECRET_PATH)
    assert [r["status"] for r in attempts] == statuses
    assert [r["fault"] for r in attempts] == [kind, kind, None]


def test_persistent_500_is_unavailable_within_the_mount_deadline(fake_azure, flagged_client):
    """Key Vault answering 500 forever: the provider gives up with UNAVAILABLE (the driver retries that)
    within --mount-timeout=5s plus slack, after a bounded number of attempts."""
    provider, _ = flagged_client("--mount-timeout=5s")
    fake_azure.inject("keyvault", "status", count=None, status=500)
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as error:
        single_attempt_mount(provider.socket_path, secret("app-secret"))
    elapsed = time.monotonic() - started
    assert error.value.code() == grpc.StatusCode.UNAVAILABLE
    assert error.value.details() == (
        f"{PREFIX}failed to get objectType:secret, objectName:app-secret, objectVersion:: "
        "status 500, code InternalServerError: fakeazure injected HTTP 500.")
    assert elapsed < 10, elapsed
    assert [r["status"] for r in kv_requests(fake_azure)] == [500] * 4  # the first try and three retries


def test_persistent_429_is_resource_exhausted_and_the_driver_does_not_retry_it(fake_azure, azure_client):
    """A vault that keeps throttling: after its own retries (honouring Retry-After) the provider answers
    RESOURCE_EXHAUSTED, which the driver's client does not retry, so a throttled vault sees one mount's
    attempts, not three."""
    fake_azure.inject("keyvault", "status", count=None, status=429, retry_after=0, path_contains=APP_SECRET_PATH)
    with pytest.raises(grpc.RpcError) as error:
        mount(azure_client, secret("app-secret"))
    assert error.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "status 429, code Throttled" in error.value.details()
    assert len(kv_requests(fake_azure, APP_SECRET_PATH)) == 4  # one mount's attempts, through the driver's client


def test_hanging_key_vault_ends_at_the_mount_deadline(fake_azure, flagged_client):
    """A Key Vault that never answers: the mount ends with DEADLINE_EXCEEDED at --mount-timeout=3s, naming
    the object and the request that did not finish."""
    provider, _ = flagged_client("--mount-timeout=3s")
    fake_azure.inject("keyvault", "hang", count=None, seconds=20)
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as error:
        single_attempt_mount(provider.socket_path, secret("app-secret"), timeout=30)
    elapsed = time.monotonic() - started
    assert (error.value.code(), error.value.details()) == (grpc.StatusCode.DEADLINE_EXCEEDED, (
        f"{PREFIX}failed to get objectType:secret, objectName:app-secret, objectVersion:: "
        "GET https://kv-demo.vault.azure.net/secrets/app-secret/: deadline exceeded"))
    assert 3 <= elapsed < 4.5, elapsed
    fake_azure.clear_faults()


# ---- secrecy -----------------------------------------------------------------------------------------

def seeded_secret_values(fa):
    values = {seed.SP_CLIENT_SECRET, seed.RESTRICTED_SP_CLIENT_SECRET}
    for vault in fa.seed["vaults"]:
        for obj in vault["secrets"]:
            values.update(v["value"] for v in obj["versions"])
        for obj in vault["certificates"]:
            values.update(v["secret"]["value"] for v in obj["versions"] if "secret" in v)
    return {v for v in values if len(v) >= 8}


def decoded_hex_runs(text):
    """Latin-1 text of every run of 32+ hex digits (e.g. `body([7b2276616c7565...])`)."""
    return [bytes.fromhex(run[:len(run) // 2 * 2]).decode("latin-1") for run in re.findall(r"[0-9a-f]{32,}", text)]


def test_no_secret_value_or_token_in_logs_or_errors(fake_azure, flagged_client):
    """At the highest verbosity, after good and failing mounts, neither the provider's log nor any error
    message holds a secret value, the client secret, a bearer token or a JWT."""
    provider, client = flagged_client("--verbosity=5")
    mount(client, secret("app-secret"), secret("db-password"), secret("json-secret"), secret("chain-cert"),
          secret("b64-secret", objectEncoding="base64"), secret("app-secret", objectAlias="h", objectVersionHistory=3))
    messages = []
    for objects, vault in [((secret("app-secret", objectEncoding="hex"),), "kv-demo"),
                           ((secret("json-secret", objectEncoding="base64"),), "kv-demo"),
                           ((secret("restricted-secret"),), "kv-restricted"),
                           ((secret("disabled-secret"),), "kv-demo")]:
        messages.append(mount_error(client, *objects, vault=vault).details())
    fake_azure.expire_tokens()  # a 401 round trip: the provider must evict and refetch without logging tokens
    mount(client, secret("app-secret"))
    text = provider.log() + "\n".join(messages)
    assert re.search(r" info mount .*result=OK", provider.log())
    # Also what hex dumps in the log decode to (an HTTP library tracing bodies writes them in hex).
    for haystack in [text] + decoded_hex_runs(text):
        for value in seeded_secret_values(fake_azure):
            assert value not in haystack, value[:12]
        assert not re.search(r"eyJ[A-Za-z0-9_-]{10,}", haystack)
        assert not re.search(r"(?i)bearer (?!authorization=)[A-Za-z0-9]", haystack)  # a challenge is no token
        assert '{"' not in haystack or haystack is text, "an HTTP body (JSON) is dumped in the log"


# ---- round trips -------------------------------------------------------------------------------------

def test_round_trips_one_token_then_one_get_per_object(fake_azure, azure_client):
    """First mount: exactly one token request (service principal) and one GET per object, with the token
    on the first try (no 401 challenge round trip). Second mount with a warm cache: no token request and
    again exactly one GET per object."""
    objects = [secret("app-secret"), secret("db-password"), key("rsa-key"), cert("selfsigned-cert"),
               secret("chain-cert")]
    mount(azure_client, *objects)
    assert len(token_requests(fake_azure)) == 1
    assert token_requests(fake_azure)[0]["path"] == f"/{seed.TENANT_ID}/oauth2/v2.0/token"
    first = kv_requests(fake_azure)
    assert sorted(r["path"] for r in first) == sorted([
        "/secrets/app-secret/?api-version=7.4", "/secrets/db-password/?api-version=7.4",
        "/keys/rsa-key/?api-version=7.4", "/certificates/selfsigned-cert/?api-version=7.4",
        "/secrets/chain-cert/?api-version=7.4"])
    assert {r["status"] for r in first} == {200}

    fake_azure.clear_requests()
    mount(azure_client, *objects)
    assert token_requests(fake_azure) == []
    assert len(kv_requests(fake_azure)) == len(objects)
    assert {r["status"] for r in kv_requests(fake_azure)} == {200}


def test_expired_token_is_refreshed_with_one_retry(fake_azure, azure_client):
    """A cached token Key Vault rejects (401 TokenExpired) is evicted: one new token request and one
    retried GET, and the mount succeeds."""
    mount(azure_client, secret("app-secret"))
    fake_azure.expire_tokens()
    fake_azure.clear_requests()
    response = mount(azure_client, secret("db-password"))
    assert files_of(response) == [("db-password", 0o644, b"s3cr3t-Pa55w0rd!")]
    assert [r["status"] for r in kv_requests(fake_azure)] == [401, 200]
    assert len(token_requests(fake_azure)) == 1


def peak_concurrency(requests):
    """The most requests the fake was serving at the same moment, from their start times and durations."""
    events = []
    for r in requests:
        events += [(r["time"], 1), (r["time"] + r["duration_ms"] / 1000, -1)]
    current = peak = 0
    for _, step in sorted(events, key=lambda e: (e[0], e[1])):
        current += step
        peak = max(peak, current)
    return peak


def mount_a_history_and_five_objects(fake_azure, azure_client):
    """A 30-version history plus five other objects while Key Vault takes 150 ms per request: 37 GETs
    (two list pages, 30 versions, five objects). Returns (response, the GETs as logged)."""
    mount(azure_client, secret("app-secret"))  # token acquired; only Key Vault reads below
    fake_azure.clear_requests()
    fake_azure.set_latency(150, server="keyvault")
    response = mount(azure_client, secret("many-versions", objectVersionHistory=30), secret("db-password"),
                     secret("b64-secret"), secret("hex-secret"), key("rsa-key"), cert("selfsigned-cert"))
    fake_azure.set_latency(0, server="keyvault")
    return response, kv_requests(fake_azure)


def test_a_mount_of_37_reads_gets_every_file(fake_azure, azure_client):
    response, gets = mount_a_history_and_five_objects(fake_azure, azure_client)
    assert len(response.files) == 35
    assert len(gets) == 2 + 30 + 5


def test_a_mount_of_a_history_and_five_objects_reads_them_all_at_once(fake_azure, azure_client):
    """The 30 versions of a history and the five other objects share the mount's request slots: after the two
    list pages, all 30 version reads run at once (below the 32 slots)."""
    _, gets = mount_a_history_and_five_objects(fake_azure, azure_client)
    assert peak_concurrency(gets) == 30


def test_a_mount_runs_exactly_32_key_vault_requests_at_a_time(start_provider):
    """45 secrets while Key Vault takes 150 ms per request: the fake sees 32 reads at once (the mount's slots; the
    vault's limit raised past them), never more."""
    names = [f"s{n}" for n in range(45)]
    own_seed = {
        "tenant_id": seed.TENANT_ID,
        "identities": {"sp": {"type": "application", "client_id": seed.SP_CLIENT_ID,
                              "object_id": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
                              "client_secret": seed.SP_CLIENT_SECRET}},
        "vaults": [{"name": "kv-many", "access": ["sp"],
                    "secrets": [{"name": n, "versions": [{"value": n}]} for n in names]}],
    }
    with FakeAzure.start(seed=own_seed) as fa:
        args, env = fake_azure_flags(fa)
        client = DriverClient(start_provider(*args, "--max-requests-per-vault=64", env=env).socket_path)
        fa.set_latency(150, server="keyvault")
        response = mount(client, *[secret(n) for n in names], vault="kv-many")
        client.close()
        assert sorted(f.path for f in response.files) == sorted(names)
        assert peak_concurrency(kv_requests(fa)) == 32


