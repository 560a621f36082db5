"""Fake Azure Instance Metadata Service managed-identity token endpoint (plain HTTP, as on a VM)."""
import json
import time

from .httpbase import Response

TOKEN_PATH = "/metadata/identity/oauth2/token"
TOKEN_LIFETIME = 86399
API_VERSIONS = {"2017-09-01", "2018-02-01", "2019-08-01", "2019-11-01", "2020-06-01", "2021-02-01", "2021-05-01"}


def _err(status: int, error: str, description: str) -> Response:
    return Response.json(status, {"error": error, "error_description": description},
                         content_type="application/json; charset=utf-8")


def token_fields(token: str, iat: int, exp: int, resource: str) -> dict:
    """Token JSON in IMDS/NMI style: every number is a string."""
    return {"expires_in": str(exp - int(time.time())), "expires_on": str(exp), "not_before": str(iat),
            "resource": resource, "token_type": "Bearer"}


class ImdsApp:
    def __init__(self, ctx):
        self.ctx = ctx  # identities, imds config, tokens

    def route(self, req) -> Response:
        if req.route.rstrip("/") != TOKEN_PATH:
            return _err(404, "not_found", f"fakeazure IMDS has no endpoint {req.route}")
        if req.headers.get("Metadata", "").lower() != "true":
            return _err(400, "bad_request_102", "Required metadata header not specified")
        if req.headers.get("X-Forwarded-For") is not None:
            # IMDS refuses requests that went through a proxy (an SSRF defence; Microsoft's AntiSSRF docs:
            # IMDS drops every request carrying X-Forwarded-For). Status and body are a guess.
            return _err(400, "bad_request", "Requests with an X-Forwarded-For header are not accepted")
        if req.method != "GET":
            return _err(405, "method_not_allowed", "Only GET is allowed")
        q = req.query
        api = q.get("api-version")
        if not api:
            return _err(400, "invalid_request", "Required query variable 'api-version' is missing")
        if api not in API_VERSIONS:
            return _err(400, "invalid_request", "Invalid api-version")  # close to IMDS's wording
        resource = q.get("resource", "")
        if not resource:
            return _err(400, "invalid_request", "Required audience parameter not specified")
        identity = self._select(q)
        if isinstance(identity, Response):
            return identity
        known = {c.resource.lower() for c in self.ctx.clouds.values()}
        if resource.rstrip("/").lower() not in known:
            return _err(400, "invalid_resource",
                        f"AADSTS500011: The resource principal named {resource} was not found in the tenant named "
                        f"{self.ctx.tenant_id}.")
        token, iat, exp = self.ctx.tokens.issue(identity, resource, TOKEN_LIFETIME, "2")
        body = {"access_token": token, "client_id": identity["client_id"]}
        body.update(token_fields(token, iat, exp, resource))
        body["ext_expires_in"] = body["expires_in"]
        # Key order as IMDS writes it.
        order = ["access_token", "client_id", "expires_in", "expires_on", "ext_expires_in", "not_before",
                 "resource", "token_type"]
        return Response(200, json.dumps({k: body[k] for k in order}).encode(), [], "application/json; charset=utf-8")

    def _select(self, q):
        cfg = self.ctx.imds
        by_name = self.ctx.identities
        user = [by_name[n] for n in cfg.get("user_assigned", [])]
        wanted = [(k, q[k]) for k in ("client_id", "object_id", "msi_res_id", "mi_res_id") if q.get(k)]
        if len(wanted) > 1:
            return _err(400, "invalid_request", "Only one of client_id, object_id or msi_res_id may be specified")
        if wanted:
            key, val = wanted[0]
            field = {"client_id": "client_id", "object_id": "object_id"}.get(key, "resource_id")
            candidates = user + ([by_name[cfg["system_assigned"]]] if cfg.get("system_assigned") else [])
            for ident in candidates:
                if str(ident.get(field, "")).lower() == val.lower():
                    return ident
            return _err(400, "invalid_request", "Identity not found")
        if cfg.get("system_assigned"):
            return by_name[cfg["system_assigned"]]
        if len(user) == 1:
            return user[0]
        if not user:
            return _err(400, "invalid_request", "Identity not found")
        return _err(400, "invalid_request", "Multiple user assigned identities exist, please specify the clientId / "
                                            "resourceId of the identity in the token request")

    def fault_response(self, req, fault) -> Response:
        status = int(fault["status"])
        headers = [("Retry-After", str(fault["retry_after"]))] if fault.get("retry_after") is not None else []
        if fault.get("body") is not None:
            return Response(status, str(fault["body"]).encode(), headers, "application/json; charset=utf-8")
        texts = {410: ("gone", "IMDS is being upgraded, retry"), 429: ("too_many_requests", "Too many requests"),
                 404: ("not_found", "IMDS is not ready"), 503: ("service_unavailable", "Service unavailable")}
        err, desc = texts.get(status, ("internal_error", f"fakeazure injected HTTP {status}"))
        resp = _err(status, err, desc)
        resp.headers.extend(headers)
        return resp
