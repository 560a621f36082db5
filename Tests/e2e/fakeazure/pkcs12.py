"""PKCS#12 (PFX) files as Key Vault serves them for certificate-backed secrets, with an EMPTY password.

Built by hand because `cryptography` cannot write the legacy layout Key Vault (and `openssl pkcs12
-legacy`) produces: RC2-40 encrypted certificate bags. Two profiles:
- "legacy": key in a pbeWithSHAAnd3-KeyTripleDES-CBC shrouded key bag, certificates in a
  pbeWithSHAAnd40BitRC2-CBC encrypted SafeContents, SHA-1 HMAC; readable by Go's x/crypto/pkcs12.
- "modern": OpenSSL 3's default: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) for both, SHA-256 HMAC.
The empty password is encoded as an empty BMPString with its two-byte terminator, as OpenSSL and Go do.
"""
import hashlib
import hmac
import os

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from . import der, rc2

OID_DATA = "1.2.840.113549.1.7.1"
OID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
OID_KEY_BAG_SHROUDED = "1.2.840.113549.1.12.10.1.2"
OID_CERT_BAG = "1.2.840.113549.1.12.10.1.3"
OID_X509_CERT = "1.2.840.113549.1.9.22.1"
OID_LOCAL_KEY_ID = "1.2.840.113549.1.9.21"
OID_FRIENDLY_NAME = "1.2.840.113549.1.9.20"
OID_PBE_SHA_3DES = "1.2.840.113549.1.12.1.3"
OID_PBE_SHA_RC2_40 = "1.2.840.113549.1.12.1.6"
OID_PBES2 = "1.2.840.113549.1.5.13"
OID_PBKDF2 = "1.2.840.113549.1.5.12"
OID_HMAC_SHA256 = "1.2.840.113549.2.9"
OID_AES256_CBC = "2.16.840.1.101.3.4.1.42"
OID_SHA1 = "1.3.14.3.2.26"
OID_SHA256 = "2.16.840.1.101.3.4.2.1"

ITERATIONS = 2048


def _kdf(hash_name: str, password_bmp: bytes, salt: bytes, ident: int, iterations: int, n: int) -> bytes:
    """RFC 7292 appendix B.2 key derivation."""
    u = hashlib.new(hash_name).digest_size
    v = 64
    D = bytes([ident]) * v

    def fill(data: bytes) -> bytes:
        if not data:
            return b""
        length = v * ((len(data) + v - 1) // v)
        return (data * (length // len(data) + 1))[:length]

    I = bytearray(fill(salt) + fill(password_bmp))
    out = b""
    while len(out) < n:
        A = D + bytes(I)
        for _ in range(iterations):
            A = hashlib.new(hash_name, A).digest()
        out += A
        B = (A * (v // u + 1))[:v]
        b_int = int.from_bytes(B, "big") + 1
        for j in range(0, len(I), v):
            val = (int.from_bytes(I[j:j + v], "big") + b_int) % (1 << (8 * v))
            I[j:j + v] = val.to_bytes(v, "big")
    return out[:n]


_EMPTY_BMP = b"\x00\x00"


def _pad(data: bytes, block_bits: int) -> bytes:
    p = padding.PKCS7(block_bits).padder()
    return p.update(data) + p.finalize()


def _legacy_encrypt(oid: str, data: bytes) -> tuple[bytes, bytes]:
    """(AlgorithmIdentifier, ciphertext) for a PKCS#12 v1 PBE scheme."""
    salt = os.urandom(8)
    if oid == OID_PBE_SHA_3DES:
        key = _kdf("sha1", _EMPTY_BMP, salt, 1, ITERATIONS, 24)
        iv = _kdf("sha1", _EMPTY_BMP, salt, 2, ITERATIONS, 8)
        enc = Cipher(TripleDES(key), modes.CBC(iv)).encryptor()
        ct = enc.update(_pad(data, 64)) + enc.finalize()
    else:
        key = _kdf("sha1", _EMPTY_BMP, salt, 1, ITERATIONS, 5)
        iv = _kdf("sha1", _EMPTY_BMP, salt, 2, ITERATIONS, 8)
        ct = rc2.cbc_encrypt(key, 40, iv, data)
    alg = der.seq(der.oid(oid), der.seq(der.octets(salt), der.integer(ITERATIONS)))
    return alg, ct


def _pbes2_encrypt(data: bytes) -> tuple[bytes, bytes]:
    salt, iv = os.urandom(8), os.urandom(16)
    key = hashlib.pbkdf2_hmac("sha256", b"", salt, ITERATIONS, 32)  # PBES2 uses the raw (UTF-8) password
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ct = enc.update(_pad(data, 128)) + enc.finalize()
    alg = der.seq(
        der.oid(OID_PBES2),
        der.seq(
            der.seq(der.oid(OID_PBKDF2), der.seq(der.octets(salt), der.integer(ITERATIONS),
                                                 der.seq(der.oid(OID_HMAC_SHA256), der.null()))),
            der.seq(der.oid(OID_AES256_CBC), der.octets(iv)),
        ),
    )
    return alg, ct


def build_pfx(private_key, certs: list, profile: str = "legacy", friendly_name: str | None = None,
              declared_mac_iterations: int | None = None) -> bytes:
    """DER PFX holding private_key and certs (certs[0] = the leaf that matches the key).
    declared_mac_iterations: write this iteration count into MacData while the MAC is computed with the
    usual one (a PFX bomb: a reader spends that many hash rounds before it finds the MAC wrong)."""
    if profile not in ("legacy", "modern"):
        raise ValueError(f"unknown PKCS#12 profile {profile!r}")
    leaf_der = certs[0].public_bytes(serialization.Encoding.DER)
    local_key_id = hashlib.sha1(leaf_der).digest()

    def attrs(with_id: bool) -> bytes:
        items = []
        if friendly_name and with_id:
            items.append(der.seq(der.oid(OID_FRIENDLY_NAME), der.set_of(der.bmp(friendly_name))))
        if with_id:
            items.append(der.seq(der.oid(OID_LOCAL_KEY_ID), der.set_of(der.octets(local_key_id))))
        return der.set_of(*items) if items else b""

    cert_bags = []
    for i, cert in enumerate(certs):
        cert_der = cert.public_bytes(serialization.Encoding.DER)
        bag_value = der.seq(der.oid(OID_X509_CERT), der.explicit(0, der.octets(cert_der)))
        cert_bags.append(der.seq(der.oid(OID_CERT_BAG), der.explicit(0, bag_value), attrs(i == 0)))
    cert_safe = der.seq(*cert_bags)

    pkcs8 = private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())
    if profile == "legacy":
        key_alg, key_ct = _legacy_encrypt(OID_PBE_SHA_3DES, pkcs8)
        cert_alg, cert_ct = _legacy_encrypt(OID_PBE_SHA_RC2_40, cert_safe)
    else:
        key_alg, key_ct = _pbes2_encrypt(pkcs8)
        cert_alg, cert_ct = _pbes2_encrypt(cert_safe)
    key_bag = der.seq(der.oid(OID_KEY_BAG_SHROUDED), der.explicit(0, der.seq(key_alg, der.octets(key_ct))), attrs(True))
    key_safe = der.seq(key_bag)

    encrypted_ci = der.seq(
        der.oid(OID_ENCRYPTED_DATA),
        der.explicit(0, der.seq(der.integer(0), der.seq(der.oid(OID_DATA), cert_alg, der.implicit_prim(0, cert_ct)))),
    )
    data_ci = der.seq(der.oid(OID_DATA), der.explicit(0, der.octets(key_safe)))
    auth_safe = der.seq(encrypted_ci, data_ci)  # certificates first, then the key: OpenSSL's order

    mac_hash = "sha1" if profile == "legacy" else "sha256"
    mac_salt = os.urandom(8)
    mac_key = _kdf(mac_hash, _EMPTY_BMP, mac_salt, 3, ITERATIONS, hashlib.new(mac_hash).digest_size)
    mac = hmac.new(mac_key, auth_safe, mac_hash).digest()
    mac_alg_oid = OID_SHA1 if mac_hash == "sha1" else OID_SHA256
    mac_data = der.seq(der.seq(der.seq(der.oid(mac_alg_oid), der.null()), der.octets(mac)),
                       der.octets(mac_salt), der.integer(declared_mac_iterations or ITERATIONS))
    return der.seq(der.integer(3), der.seq(der.oid(OID_DATA), der.explicit(0, der.octets(auth_safe))), mac_data)


