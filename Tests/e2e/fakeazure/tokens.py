"""Access tokens issued by the fake Entra ID, IMDS and NMI, and their validation by the fake Key Vault.

Tokens are real-looking JWTs (v1 claims: aud, iss, tid, oid, appid, exp...) signed with HS256 under a key
that lives only in this process, so the Key Vault fake can tell its own tokens from anything else.
"""
import os
import threading
import time
import uuid

from . import jwtutil


class TokenIssuer:
    def __init__(self, tenant_id: str, lifetime: int | None = None):
        self.tenant_id = tenant_id
        self._key = os.urandom(32)
        self._lock = threading.Lock()
        self.lifetime = lifetime      # None: each issuer's real default (Entra 3599 s, IMDS 86399 s)
        self.expired_before = 0.0     # tokens issued at or before this instant count as expired
        self.issued = 0

    def issue(self, identity: dict, resource: str, default_lifetime: int, acr: str = "1") -> tuple[str, int, int]:
        """(token, iat, exp) for identity and resource (the audience, without /.default)."""
        now = int(time.time())
        lifetime = self.lifetime if self.lifetime is not None else default_lifetime
        iss = f"https://sts.windows.net/{self.tenant_id}/"
        claims = {"aud": resource, "iss": iss, "iat": now, "nbf": now, "exp": now + lifetime,
                  "aio": "fakeazure", "appid": identity["client_id"], "appidacr": acr, "idp": iss,
                  "idtyp": "app", "oid": identity["object_id"], "rh": "0.fake", "sub": identity["object_id"],
                  "tid": self.tenant_id, "uti": uuid.uuid4().hex[:22], "ver": "1.0",
                  # Fake-only: when this token was minted, in microseconds, for expire_tokens().
                  "fakeazure_iat_us": int(time.time() * 1e6)}
        if identity.get("resource_id"):
            claims["xms_mirid"] = identity["resource_id"]
        with self._lock:
            self.issued += 1
        header = {"typ": "JWT", "alg": "HS256", "kid": "fakeazure"}
        return jwtutil.encode(claims, self._key, header), now, now + lifetime

    def expire_all(self) -> None:
        """Every token issued so far is treated as expired from now on."""
        with self._lock:
            self.expired_before = time.time()

    def validate(self, token: str) -> tuple[str, dict | None]:
        """("ok", claims) | ("bad", None) | ("expired", claims)."""
        claims = jwtutil.verify_hs256(token, self._key)
        if claims is None:
            return "bad", None
        if claims.get("exp", 0) <= time.time() or claims.get("fakeazure_iat_us", 0) / 1e6 <= self.expired_before:
            return "expired", claims
        return "ok", claims
