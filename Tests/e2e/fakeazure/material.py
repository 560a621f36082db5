"""Key material for seeded objects: private keys, X.509 certificates, JWKs and certificate-backed secrets."""
import base64
import datetime
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from . import pkcs12
from .jwtutil import b64url

_CURVES = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1, "P-521": ec.SECP521R1}
_CURVE_BYTES = {"P-256": 32, "P-384": 48, "P-521": 66}

# Fixed validity so generated certificates carry stable nbf/exp attributes (2025-01-01 .. 2035-01-01).
NOT_BEFORE = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
NOT_AFTER = datetime.datetime(2035, 1, 1, tzinfo=datetime.timezone.utc)


def generate_key(spec: str):
    """spec: RSA-2048, RSA-3072, RSA-4096, EC-P256, EC-P384, EC-P521 (also 'EC-P-256')."""
    kind, _, size = spec.upper().partition("-")
    if kind == "RSA":
        return rsa.generate_private_key(public_exponent=65537, key_size=int(size or 2048))
    if kind == "EC":
        crv = size if size.startswith("P-") else "P-" + size.lstrip("P")
        return ec.generate_private_key(_CURVES[crv]())
    raise ValueError(f"unsupported key spec {spec!r}")


def private_pem(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def load_private_pem(text: str):
    return serialization.load_pem_private_key(text.encode(), password=None)


def _int_bytes(v: int, length: int | None = None) -> bytes:
    return v.to_bytes(length or max(1, (v.bit_length() + 7) // 8), "big")


def public_jwk(key, key_ops: list[str] | None = None) -> dict:
    """JWK of the public part, member order as Key Vault writes it (kid is added at serve time)."""
    pub = key.public_key() if hasattr(key, "public_key") else key
    if isinstance(pub, rsa.RSAPublicKey):
        nums = pub.public_numbers()
        return {"kty": "RSA", "key_ops": key_ops or ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"],
                "n": b64url(_int_bytes(nums.n)), "e": b64url(_int_bytes(nums.e))}
    nums = pub.public_numbers()
    crv = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}[pub.curve.name]
    size = _CURVE_BYTES[crv]  # coordinates are fixed-length, left-padded with zeros (RFC 7518 6.2.1.2)
    return {"kty": "EC", "key_ops": key_ops or ["sign", "verify"], "crv": crv,
            "x": b64url(_int_bytes(nums.x, size)), "y": b64url(_int_bytes(nums.y, size))}


def _name(cn: str, org: str = "Fake Azure Test") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)])


def _serial(seed: str) -> int:
    return int.from_bytes(hashlib.sha256(seed.encode()).digest()[:16], "big") >> 1


def make_ca(cn: str, key, issuer_cert=None, issuer_key=None, path_len: int | None = None):
    builder = (x509.CertificateBuilder()
               .subject_name(_name(cn))
               .issuer_name(issuer_cert.subject if issuer_cert else _name(cn))
               .public_key(key.public_key())
               .serial_number(_serial(cn))
               .not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER)
               .add_extension(x509.BasicConstraints(ca=True, path_length=path_len), critical=True)
               .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if issuer_cert:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()), critical=False)
    return builder.sign(issuer_key or key, hashes.SHA256())


def make_leaf(cn: str, key, issuer_cert=None, issuer_key=None):
    """A TLS-server-style leaf; self-signed when no issuer is given."""
    builder = (x509.CertificateBuilder()
               .subject_name(_name(cn))
               .issuer_name(issuer_cert.subject if issuer_cert else _name(cn))
               .public_key(key.public_key())
               .serial_number(_serial(cn + (issuer_cert.subject.rfc4514_string() if issuer_cert else "")))
               .not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER)
               .add_extension(x509.SubjectAlternativeName([x509.DNSName(cn)]), critical=False)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                              critical=False)
               # Key identifiers as Key Vault's certificates carry them: they let a client order a chain.
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    signer = issuer_key or key
    builder = builder.add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False)
    return builder.sign(signer, hashes.SHA256())


def cert_der(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def cert_pem(cert) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def cer_and_x5t(cert) -> tuple[str, str]:
    der_bytes = cert_der(cert)
    # cer: standard base64 with padding; x5t: SHA-1 thumbprint as unpadded base64url.
    return base64.b64encode(der_bytes).decode(), b64url(hashlib.sha1(der_bytes).digest())


def x5t_of_cer(cer_b64: str) -> str:
    return b64url(hashlib.sha1(base64.b64decode(cer_b64)).digest())


def backing_secret(key, chain: list, fmt: str, pem_order: str = "key-first") -> tuple[str, str]:
    """(value, contentType) of a certificate's backing secret. chain = [leaf, intermediate..., root]."""
    if fmt in ("pkcs12", "pkcs12-legacy", "pkcs12-modern"):
        profile = "modern" if fmt == "pkcs12-modern" else "legacy"
        pfx = pkcs12.build_pfx(key, chain, profile)
        return base64.b64encode(pfx).decode(), "application/x-pkcs12"
    if fmt == "pem":
        key_pem = private_pem(key)
        certs = [cert_pem(c) for c in chain]
        if pem_order == "scrambled" and len(certs) >= 3:
            # intermediate, key, root, leaf: the "scrambled" order of the conformance vector
            parts = [certs[1], key_pem, certs[2], certs[0]] + certs[3:]
        else:
            parts = [key_pem] + certs
        return "".join(parts), "application/x-pem-file"
    raise ValueError(f"unknown certificate secret format {fmt!r}")


def default_policy(cert, key_spec: str, content_type: str) -> dict:
    """A certificate policy shaped like Key Vault's (its id is filled in at serve time)."""
    kind, _, size = key_spec.upper().partition("-")
    key_props = {"exportable": True, "kty": kind, "reuse_key": False}
    if kind == "RSA":
        key_props["key_size"] = int(size)
    else:
        key_props["crv"] = "P-" + size.lstrip("P-")
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    return {
        "key_props": key_props,
        "secret_props": {"contentType": content_type},
        "x509_props": {"subject": cert.subject.rfc4514_string(), "validity_months": 120,
                       "sans": {"dns_names": [cn]},
                       "ekus": ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
                       "key_usage": ["digitalSignature", "keyEncipherment"], "basic_constraints": {"ca": False}},
        "lifetime_actions": [{"trigger": {"lifetime_percentage": 80}, "action": {"action_type": "EmailContacts"}}],
        "issuer": {"name": "Self" if cert.issuer == cert.subject else "Unknown"},
    }
