"""Fake Key Vault data plane: GET secret/key/certificate (latest or by version) and list versions.

Several vaults share one HTTPS server; the Host header picks the vault, as DNS does for the real service.
"""
import base64
import json
import re
import uuid

from . import store as st
from .httpbase import Response

API_VERSIONS = {"2016-10-01", "7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01", "2026-04-01"}
LATEST_API = "2026-04-01"
PAGE_SIZE = 25
_NAME = re.compile(r"^[0-9a-zA-Z-]{1,127}$")
_PATH = re.compile(r"^/(secrets|keys|certificates)/([^/]+)(?:/([^/]*))?/?$")
_SINGULAR = {"secrets": "secret", "keys": "key", "certificates": "certificate"}
_NOT_FOUND = {"secrets": "SecretNotFound", "keys": "KeyNotFound", "certificates": "CertificateNotFound"}
_DISABLED = {"secrets": "SecretDisabled", "keys": "KeyDisabled", "certificates": "CertificateDisabled"}
_FWLINK_NOT_FOUND = "https://go.microsoft.com/fwlink/?linkid=2125182"


def error(status: int, code: str, message: str, inner: str | None = None, headers=None) -> Response:
    err = {"code": code, "message": message}
    if inner:
        err["innererror"] = {"code": inner}
    hdrs = list(headers or []) + [("x-ms-keyvault-service-version", "1.9.2000.1"),
                                  ("x-ms-request-id", str(uuid.uuid4()))]
    return Response.json(status, {"error": err}, hdrs)


class KeyVaultApp:
    def __init__(self, store: st.Store, tokens, tenant_id: str):
        self.store = store
        self.tokens = tokens
        self.tenant_id = tenant_id

    # ---- authentication -------------------------------------------------------------------------
    def _resource(self, vault: st.Vault, req) -> str:
        # A vault reached on a non-default port must name that port in its resource (the SDKs check that
        # the vault's host:port ends with the resource's host:port).
        port = req.port
        return vault.cloud.resource + (f":{port}" if port and port != 443 else "")

    def _challenge(self, vault: st.Vault, req) -> tuple:
        authority = f"https://{vault.cloud.authority_host}/{self.tenant_id}"
        return ("WWW-Authenticate", f'Bearer authorization="{authority}", resource="{self._resource(vault, req)}"')

    def _authenticate(self, vault: st.Vault, req):
        """claims, or a 401 Response."""
        challenge = [self._challenge(vault, req)]
        auth = req.headers.get("Authorization") or ""
        scheme, _, token = auth.partition(" ")
        if scheme.lower() not in ("bearer", "pop") or not token.strip():
            return error(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.", headers=challenge)
        verdict, claims = self.tokens.validate(token.strip())
        if verdict == "bad":
            # Real text for a token Key Vault cannot validate was not recorded; this one follows its style.
            return error(401, "Unauthorized", "[BadSignature] Error validating token: 'S2S12005'.", headers=challenge)
        if verdict == "expired":
            return error(401, "Unauthorized", "[TokenExpired] Error validating token: 'S2S12086'.", headers=challenge)
        aud = str(claims.get("aud", ""))
        aud_host = aud.split("://", 1)[-1].rstrip("/").split(":", 1)[0].lower()
        if aud_host != vault.cloud.vault_suffix.lower():
            return error(401, "Unauthorized",
                         f"AKV10022: Invalid audience. Expected {vault.cloud.resource}, found: {aud}.", headers=challenge)
        if claims.get("tid") != self.tenant_id:
            return error(401, "Unauthorized",
                         f"AKV10032: Invalid issuer. Expected one of https://sts.windows.net/{self.tenant_id}/, "
                         f"found {claims.get('iss')}.", headers=challenge)
        return claims

    # ---- routing --------------------------------------------------------------------------------
    def route(self, req) -> Response:
        vault = self.store.by_host.get(req.hostname)
        if vault is None:
            return error(404, "VaultNotFound", f"fakeazure serves no vault at host '{req.hostname}'.")
        api = req.query.get("api-version")
        if api is None:
            return error(400, "BadParameter", "The 'api-version' query parameter is missing.")
        if api not in API_VERSIONS:
            return error(400, "BadParameter", f"The specified version ({api}) is not recognized. "
                                              f"Consider using the latest supported version ({LATEST_API}).")
        claims = self._authenticate(vault, req)
        if isinstance(claims, Response):
            return claims
        if req.method != "GET":
            return error(405, "BadParameter", f"fakeazure only serves GET, not {req.method}.")
        m = _PATH.match(req.route)
        if not m:
            return error(400, "BadParameter", f"Unknown operation: {req.method} {req.route}")
        kind, name, version = m.group(1), m.group(2), m.group(3) or ""
        listing = version == "versions"
        perm = "list" if listing else "get"
        if perm not in vault.access.get(claims.get("oid"), set()):
            who = f"appid={claims.get('appid')};oid={claims.get('oid')};iss={claims.get('iss')}"
            return error(403, "Forbidden",
                         f"The user, group or application '{who}' does not have {kind} {perm} permission on key vault "
                         f"'{vault.name};location={vault.location}'. For help resolving this issue, please see "
                         f"https://go.microsoft.com/fwlink/?linkid=2125287", inner="AccessDenied")
        obj = vault.objects[kind].get(name.lower()) if _NAME.match(name) else None
        if listing:
            return self._list(vault, kind, name, obj, req)
        if obj is None:
            return self._not_found(kind, name)
        v = obj.find(version) if version else obj.latest()
        if v is None:
            return self._not_found(kind, f"{name}/{version}")
        if not v.get("enabled", True):
            return error(403, "Forbidden", f"Operation get is not allowed on a disabled {_SINGULAR[kind]}.",
                         inner=_DISABLED[kind])
        body = st.BUNDLE[kind](vault, obj, v)
        if kind == "secrets" and req.query.get("outContentType") == "application/x-pem-file" \
                and body.get("contentType") == "application/x-pkcs12":
            body = dict(body, value=_pfx_to_pem(body["value"]), contentType="application/x-pem-file")
        return Response.json(200, body, [("x-ms-keyvault-service-version", "1.9.2000.1"),
                                         ("x-ms-request-id", str(uuid.uuid4()))])

    def _not_found(self, kind: str, what: str) -> Response:
        s = _SINGULAR[kind]
        return error(404, _NOT_FOUND[kind],
                     f"A {s} with (name/id) {what} was not found in this key vault. If you recently deleted this {s} "
                     f"you may be able to recover it using the correct recovery command. For help resolving this "
                     f"issue, please see {_FWLINK_NOT_FOUND}")

    def _list(self, vault, kind, name, obj, req) -> Response:
        if obj is None:
            return self._not_found(kind, name)
        try:
            size = int(req.query.get("maxresults", PAGE_SIZE))
        except ValueError:
            size = -1
        if not 1 <= size <= PAGE_SIZE:
            return error(400, "BadParameter", "The value of parameter 'maxresults' must be between 1 and 25.")
        try:
            skip = json.loads(base64.b64decode(req.query["$skiptoken"]))["skip"] if "$skiptoken" in req.query else 0
        except (ValueError, KeyError, TypeError):
            return error(400, "BadParameter", "Invalid $skiptoken.")
        # The real service lists versions in the ascending order of their ids (not by date).
        versions = sorted(obj.versions, key=lambda v: v["version"])
        page = versions[skip:skip + size]
        next_link = None
        if skip + size < len(versions):
            token = base64.b64encode(json.dumps({"skip": skip + size}).encode()).decode()
            port = req.port or 443  # the real service writes the port into nextLink
            from urllib.parse import quote
            next_link = (f"https://{req.hostname}:{port}/{kind}/{obj.name}/versions?api-version="
                         f"{req.query['api-version']}&$skiptoken={quote(token, safe='')}&maxresults={size}")
        return Response.json(200, {"value": [st.list_item(vault, kind, obj, v) for v in page], "nextLink": next_link})

    # ---- faults ---------------------------------------------------------------------------------
    def fault_response(self, req, fault) -> Response:
        status = int(fault["status"])
        headers = []
        if fault.get("retry_after") is not None:
            headers.append(("Retry-After", str(fault["retry_after"])))
        if fault.get("body") is not None:
            return Response(status, str(fault["body"]).encode(), headers, "application/json; charset=utf-8")
        if status == 429:
            return error(429, "Throttled", "Request was not processed because too many requests were received. "
                                           "Reason: VaultRequestTypeLimitReached", headers=headers)
        if status == 401:
            vault = self.store.by_host.get(req.hostname)
            if vault:
                headers.append(self._challenge(vault, req))
            return error(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.", headers=headers)
        if status == 403:
            return error(403, "Forbidden", "Caller is not authorized to perform action on resource.",
                         inner="ForbiddenByRbac", headers=headers)
        code = {500: "InternalServerError", 502: "BadGateway", 503: "ServiceUnavailable",
                504: "GatewayTimeout"}.get(status, "Error")
        return error(status, code, f"fakeazure injected HTTP {status}.", headers=headers)


def _pfx_to_pem(value_b64: str) -> str:
    """outContentType=application/x-pem-file (api-version 2025-07-01+): PFX -> key then certificates."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    key, cert, extra = pkcs12.load_key_and_certificates(base64.b64decode(value_b64), None)
    out = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    for c in [cert] + list(extra or []):
        out += c.public_bytes(serialization.Encoding.PEM).decode()
    return out
