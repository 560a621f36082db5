"""Minimal JWT and base64url helpers (no third-party JWT library: the fakes must stay stdlib + cryptography)."""
import base64
import hashlib
import hmac
import json


def b64url(data: bytes) -> str:
    # JWK members, x5t and JWT segments are base64url WITHOUT padding (the Go SDK decodes raw base64url).
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(claims: dict, key: bytes | None = None, header: dict | None = None) -> str:
    """HS256 when a key is given (tokens the fakes issue), else alg=RS256 with a dummy signature
    (service-account tokens: Entra ID checks only their claims in this fake)."""
    hdr = dict(header or {})
    hdr.setdefault("typ", "JWT")
    hdr.setdefault("alg", "HS256" if key else "RS256")
    signing_input = b64url(json.dumps(hdr, separators=(",", ":")).encode()) + "." + \
        b64url(json.dumps(claims, separators=(",", ":")).encode())
    if key:
        sig = hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()
    else:
        sig = hashlib.sha256(signing_input.encode("ascii")).digest() * 8  # looks like a 256-byte RS256 signature
    return signing_input + "." + b64url(sig)


def decode(token: str) -> tuple[dict, dict, str, bytes]:
    """Return (header, claims, signing_input, signature). Raises ValueError if not a compact JWS."""
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("not a JWT")
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        sig = b64url_decode(parts[2])
    except Exception as exc:  # noqa: BLE001 - any decoding problem means "malformed"
        raise ValueError("malformed JWT") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise ValueError("malformed JWT")
    return header, claims, parts[0] + "." + parts[1], sig


def verify_hs256(token: str, key: bytes) -> dict | None:
    """Claims if the token carries a valid HS256 signature by key, else None."""
    try:
        header, claims, signing_input, sig = decode(token)
    except ValueError:
        return None
    if header.get("alg") != "HS256":
        return None
    good = hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()
    return claims if hmac.compare_digest(good, sig) else None
