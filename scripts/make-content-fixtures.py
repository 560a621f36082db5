#!/usr/bin/env python3
"""Generates Tests/KeyVaultContentTests/Fixtures/generated: inputs for the KeyVaultContent unit
tests and the bytes the Go provider (v1.8.2) would write for them.

Run once from the repository root with the project's venv (python cryptography) and the
`openssl` 3 command line on PATH:
    .venv/bin/python scripts/make-content-fixtures.py
Keys are random, so every run gives new (equally valid) fixtures; commit the result.

Expected outputs follow the Go provider's rules: keys as PKCS#8 "PRIVATE KEY" (Go's
MarshalPKCS8PrivateKey = OpenSSL's form for RSA and uncompressed EC), then certificates leaf ->
intermediates -> root, every block as Go's pem.EncodeToMemory (64-column base64, final newline).
Where this project deliberately differs from Go (modern PFX, incomplete chains keep their original
order, PFX without certificates), the expectation is this project's, noted in docs/content.md.
"""
import base64
import datetime
import json
import os
import pathlib
import shutil
import subprocess
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests/KeyVaultContentTests/Fixtures/generated"
NOT_BEFORE = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
NOT_AFTER = datetime.datetime(2035, 1, 1, tzinfo=datetime.timezone.utc)

cases = []
shutil.rmtree(OUT, ignore_errors=True)


def b64(data):
    return base64.b64encode(data).decode()


def b64url(n, length=None):
    data = n.to_bytes(length or (n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pem_block(kind, der):
    body = base64.b64encode(der).decode()
    lines = "".join(body[i:i + 64] + "\n" for i in range(0, len(body), 64))
    return f"-----BEGIN {kind}-----\n{lines}-----END {kind}-----\n"


def name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Content Fixtures")])


def certificate(subject, subject_key, issuer=None, issuer_key=None, ca=False, ski=True, aki=True):
    """A certificate; `ski`/`aki` False leave the extension out."""
    issuer = issuer or subject
    issuer_key = issuer_key or subject_key
    builder = (x509.CertificateBuilder()
               .subject_name(name(subject)).issuer_name(name(issuer))
               .public_key(subject_key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ski:
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False)
    if aki:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def der(cert):
    return cert.public_bytes(serialization.Encoding.DER)


def pkcs8(key):
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def openssl_pfx(key, certs, *flags):
    """A PFX with the empty password from the openssl command line (key may be None)."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        (tmp / "certs.pem").write_text("".join(pem_block("CERTIFICATE", der(c)) for c in certs))
        args = ["openssl", "pkcs12", "-export", "-in", str(tmp / "certs.pem"), "-passout", "pass:",
                "-out", str(tmp / "out.pfx"), *flags]
        if key is None:
            args.append("-nokeys")
        else:
            (tmp / "key.pem").write_text(pem_block("PRIVATE KEY", pkcs8(key)))
            args += ["-inkey", str(tmp / "key.pem")]
        subprocess.run(args, check=True, capture_output=True)
        return (tmp / "out.pfx").read_bytes()


def write(relative, data):
    path = OUT / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return relative


def pfx_case(case, pfx, expected_pem=None, error=None, construct_chain=True, note=""):
    entry = {"name": case, "kind": "pfx", "value": write(f"pfx/{case}.b64", b64(pfx)),
             "constructPEMChain": construct_chain, "note": note}
    if expected_pem is not None:
        entry["expected"] = write(f"pfx/{case}.pem", expected_pem)
    if error is not None:
        entry["error"] = error
    cases.append(entry)


# --- A three-level RSA chain, and EC leaves on every curve ------------------------------------
root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
int_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
root = certificate("Fixture Root CA", root_key, ca=True)
intermediate = certificate("Fixture Intermediate CA", int_key, "Fixture Root CA", root_key, ca=True)
leaf = certificate("leaf.fixtures.test", leaf_key, "Fixture Intermediate CA", int_key)
ordered = [leaf, intermediate, root]
scrambled = [root, leaf, intermediate]

key_pem = pem_block("PRIVATE KEY", pkcs8(leaf_key))
chain_pem = "".join(pem_block("CERTIFICATE", der(c)) for c in ordered)

pfx_case("modern-rsa-chain", openssl_pfx(leaf_key, scrambled), key_pem + chain_pem,
         note="OpenSSL 3 default: PBES2 AES-256-CBC, PBKDF2, SHA-256 MAC")
pfx_case("legacy-rsa-chain", openssl_pfx(leaf_key, scrambled, "-legacy"), key_pem + chain_pem,
         note="RC2-40 certificates, 3DES key, SHA-1 MAC")
pfx_case("legacy-rsa-chain-no-construct", openssl_pfx(leaf_key, scrambled, "-legacy"),
         key_pem + "".join(pem_block("CERTIFICATE", der(c)) for c in [leaf, root, intermediate]),
         construct_chain=False, note="--construct-pem-chain=false: bag order (openssl puts the key's certificate first)")
pfx_case("modern-no-mac", openssl_pfx(leaf_key, scrambled, "-nomac"), key_pem + chain_pem,
         note="no MAC: accepted (Go rejects it)")
pfx_case("modern-no-key", openssl_pfx(None, scrambled), chain_pem, note="certificates only")
pfx_case("modern-incomplete-chain", openssl_pfx(leaf_key, [root, leaf]),
         key_pem + "".join(pem_block("CERTIFICATE", der(c)) for c in [leaf, root]),
         note="intermediate missing: original (bag) order kept; Go writes only the leaf")
pfx_case("modern-leaf-only", openssl_pfx(leaf_key, [leaf]), key_pem + pem_block("CERTIFICATE", der(leaf)))

pfx_case("cryptography-unencrypted", pkcs12.serialize_key_and_certificates(
    b"leaf", leaf_key, leaf, [root, intermediate], serialization.NoEncryption()), key_pem + chain_pem,
    note="python cryptography without encryption: plain keyBag and certificate bags, SHA-256 MAC")

selfsigned_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
selfsigned = certificate("selfsigned.fixtures.test", selfsigned_key)
pfx_case("modern-self-signed", openssl_pfx(selfsigned_key, [selfsigned]),
         pem_block("PRIVATE KEY", pkcs8(selfsigned_key)) + pem_block("CERTIFICATE", der(selfsigned)),
         note="self-signed: its AKI equals its own SKI, which never links a certificate to itself")

noski_leaf = certificate("noski.fixtures.test", leaf_key, "Fixture Intermediate CA", int_key, ski=False)
pfx_case("modern-leaf-without-ski", openssl_pfx(leaf_key, [root, noski_leaf, intermediate]),
         key_pem + "".join(pem_block("CERTIFICATE", der(c)) for c in [noski_leaf, intermediate, root]),
         note="a leaf needs no SKI")

pfx_case("modern-wrong-password",
         subprocess.run(["openssl", "pkcs12", "-export", "-nokeys", "-passout", "pass:secret",
                         "-in", "/dev/stdin"], input=pem_block("CERTIFICATE", der(leaf)).encode(),
                        check=True, capture_output=True).stdout,
         error="MAC verification")

for curve, curve_name in [(ec.SECP256R1(), "p256"), (ec.SECP384R1(), "p384"), (ec.SECP521R1(), "p521")]:
    ec_key = ec.generate_private_key(curve)
    ec_leaf = certificate(f"{curve_name}.fixtures.test", ec_key, "Fixture Intermediate CA", int_key)
    expected = pem_block("PRIVATE KEY", pkcs8(ec_key)) + "".join(
        pem_block("CERTIFICATE", der(c)) for c in [ec_leaf, intermediate, root])
    pfx_case(f"modern-ec-{curve_name}", openssl_pfx(ec_key, [intermediate, ec_leaf, root]), expected)
    pfx_case(f"legacy-ec-{curve_name}", openssl_pfx(ec_key, [intermediate, ec_leaf, root], "-legacy"), expected)


# --- Hand-built PFX: hostile or unusual structures ---------------------------------------------
def tlv(tag, content):
    length = len(content)
    if length < 0x80:
        encoded = bytes([length])
    else:
        raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
        encoded = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + encoded + content


def seq(*items):
    return tlv(0x30, b"".join(items))


def integer(value):
    return tlv(0x02, value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big"))


def octets(data):
    return tlv(0x04, data)


def oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    body = bytes([parts[0] * 40 + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.insert(0, 0x80 | (part & 0x7F))
            part >>= 7
        body += bytes(chunk)
    return tlv(0x06, body)


def explicit(number, content):
    return tlv(0xA0 | number, content)


DATA = "1.2.840.113549.1.7.1"
SHA1 = "1.3.14.3.2.26"


def content_info_data(payload):
    return seq(oid(DATA), explicit(0, octets(payload)))


def cert_bag(cert_der):
    return seq(oid("1.2.840.113549.1.12.10.1.3"),
               explicit(0, seq(oid("1.2.840.113549.1.9.22.1"), explicit(0, octets(cert_der)))))


def pfx(safe_contents_list, mac_iterations=None):
    auth_safe = seq(*[content_info_data(seq(*bags)) for bags in safe_contents_list])
    items = [integer(3), content_info_data(auth_safe)]
    if mac_iterations is not None:
        items.append(seq(seq(seq(oid(SHA1), tlv(0x05, b"")), octets(bytes(20))), octets(bytes(8)),
                         integer(mac_iterations)))
    return seq(*items)


pfx_case("handmade-huge-mac-iterations", pfx([[cert_bag(der(leaf))]], mac_iterations=2**31 - 1),
         error="iterations")
pbes2 = seq(oid("1.2.840.113549.1.5.13"), seq(
    seq(oid("1.2.840.113549.1.5.12"), seq(octets(bytes(8)), integer(2**31 - 1))),
    seq(oid("2.16.840.1.101.3.4.1.42"), octets(bytes(16)))))
shrouded = seq(oid("1.2.840.113549.1.12.10.1.2"), explicit(0, seq(pbes2, octets(bytes(32)))))
pfx_case("handmade-huge-key-iterations", pfx([[shrouded]]), error="iterations")
pbes2_overflow = seq(oid("1.2.840.113549.1.5.13"), seq(
    seq(oid("1.2.840.113549.1.5.12"), seq(octets(bytes(8)), integer(2**70))),
    seq(oid("2.16.840.1.101.3.4.1.42"), octets(bytes(16)))))
shrouded_overflow = seq(oid("1.2.840.113549.1.12.10.1.2"), explicit(0, seq(pbes2_overflow, octets(bytes(32)))))
pfx_case("handmade-overflowing-key-iterations", pfx([[shrouded_overflow]]), error="failed to decode PKCS#12",
         note="an iteration count beyond 64 bits")
pfx_case("handmade-overflowing-mac-iterations", pfx([[cert_bag(der(leaf))]], mac_iterations=2**70),
         error="failed to decode PKCS#12")
pfx_case("handmade-unencrypted-no-mac", pfx([[cert_bag(der(root)), cert_bag(der(leaf))]]),
         pem_block("CERTIFICATE", der(root)) + pem_block("CERTIFICATE", der(leaf)),
         note="plain certificate bags, no MAC, no key: leaf and root do not link (intermediate missing), original order")
nested = seq(oid("1.2.840.113549.1.12.10.1.6"), explicit(0, seq(cert_bag(der(intermediate)))))
pfx_case("handmade-nested-safe-contents", pfx([[cert_bag(der(leaf)), nested, cert_bag(der(root))]]),
         chain_pem, note="a safeContentsBag inside a bag")
key_bag = seq(oid("1.2.840.113549.1.12.10.1.1"), explicit(0, pkcs8(leaf_key)))
pfx_case("handmade-key-only", pfx([[key_bag]]), key_pem,
         note="an unencrypted keyBag and no certificate: the key alone (Go: 'no leaf found')")
pfx_case("handmade-empty", pfx([]), "", note="no bags at all: empty output (Go: 'no leaf found')")
pfx_case("garbage", os.urandom(512), error="not a PFX")
pfx_case("truncated", openssl_pfx(leaf_key, ordered)[:700], error="not a PFX")
pfx_case("empty-input", b"", error="not a PFX")


# --- JWK public keys --------------------------------------------------------------------------
def jwk_case(case, jwk, expected_pem=None, error=None):
    entry = {"name": case, "kind": "jwk", "jwk": jwk}
    if expected_pem is not None:
        entry["expected"] = write(f"jwk/{case}.pem", expected_pem)
    if error is not None:
        entry["error"] = error
    cases.append(entry)


def spki_pem(public_key):
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()


for bits in (1024, 2048, 3072, 4096):
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()
    numbers = key.public_numbers()
    jwk_case(f"rsa-{bits}", {"kty": "RSA", "n": b64url(numbers.n), "e": b64url(numbers.e)}, spki_pem(key))
key = rsa.generate_private_key(public_exponent=3, key_size=2048).public_key()
jwk_case("rsa-hsm-e3", {"kty": "RSA-HSM", "n": b64url(key.public_numbers().n), "e": b64url(3)}, spki_pem(key))
padded = {"kty": "RSA", "n": b64url(key.public_numbers().n) + "==", "e": "Aw=="}
jwk_case("rsa-padded-members", padded, spki_pem(key))

for curve, crv, size in [(ec.SECP256R1(), "P-256", 32), (ec.SECP384R1(), "P-384", 48), (ec.SECP521R1(), "P-521", 66)]:
    for kty in ("EC", "EC-HSM"):
        key = ec.generate_private_key(curve).public_key()
        numbers = key.public_numbers()
        jwk_case(f"{kty.lower()}-{crv.lower()}", {"kty": kty, "crv": crv, "x": b64url(numbers.x, size),
                                                  "y": b64url(numbers.y, size)}, spki_pem(key))
# A P-521 coordinate with a short (unpadded) encoding must be left-padded to 66 bytes.
while True:
    key = ec.generate_private_key(ec.SECP521R1()).public_key()
    numbers = key.public_numbers()
    if numbers.x.bit_length() <= 512:
        break
jwk_case("ec-p-521-short-x", {"kty": "EC", "crv": "P-521", "x": b64url(numbers.x), "y": b64url(numbers.y, 66)},
         spki_pem(key))

p256 = ec.generate_private_key(ec.SECP256R1()).public_key().public_numbers()
jwk_case("ec-point-not-on-curve", {"kty": "EC", "crv": "P-256", "x": b64url(p256.x, 32),
                                   "y": b64url((p256.y + 1) % (2**256), 32)}, error="invalid elliptic curve public key")
k1 = ec.generate_private_key(ec.SECP256K1()).public_key().public_numbers()
jwk_case("ec-p256k", {"kty": "EC", "crv": "P-256K", "x": b64url(k1.x, 32), "y": b64url(k1.y, 32)},
         error="curve P-256K is not supported")
jwk_case("oct", {"kty": "oct"}, error="key type 'oct' currently not supported")
jwk_case("oct-hsm", {"kty": "oct-HSM"}, error="key type 'oct-HSM' currently not supported")
jwk_case("rsa-bad-base64url", {"kty": "RSA", "n": "not*base64", "e": "AQAB"}, error="illegal base64url")

if __name__ == "__main__":
    (OUT / "manifest.json").write_text(json.dumps(cases, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT.relative_to(ROOT)}")
