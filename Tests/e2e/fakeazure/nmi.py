"""Fake aad-pod-identity NMI: GET /host/token/?resource=... with podname/podns headers (loopback only).
Errors are plain text with a trailing newline, like Go's http.Error."""
import json

from .httpbase import Response
from .imds import token_fields

TOKEN_LIFETIME = 3599


def _text(status: int, msg: str) -> Response:
    return Response(status, (msg + "\n").encode(), [("X-Content-Type-Options", "nosniff")],
                    "text/plain; charset=utf-8")


class NmiApp:
    def __init__(self, ctx):
        self.ctx = ctx

    def route(self, req) -> Response:
        if req.route not in ("/host/token/", "/host/token"):
            return _text(404, "404 page not found")
        if req.client[0] != "127.0.0.1":
            return _text(500, "request remote address is not from a host")
        pod, ns = req.headers.get("podname", ""), req.headers.get("podns", "")
        if not pod or not ns:
            return _text(400, "missing 'podname' and 'podns' from request header")
        resource = req.query.get("resource", "")
        if not resource:
            return _text(400, "parameter resource cannot be empty")
        client_id = req.query.get("client_id", "")
        res_id = req.query.get("msi_res_id") or req.query.get("mi_res_id") or ""
        bindings = [b for b in self.ctx.pod_identities if b["namespace"] == ns and b["pod"] == pod]
        idents = [self.ctx.identities[b["identity"]] for b in bindings]
        if client_id:
            idents = [i for i in idents if i["client_id"].lower() == client_id.lower()]
        if res_id:
            idents = [i for i in idents if str(i.get("resource_id", "")).lower() == res_id.lower()]
        if not idents:
            return _text(404, f"no AzureAssignedIdentity found for pod:{ns}/{pod} in assigned state")
        ident = idents[0]
        known = {c.resource.lower() for c in self.ctx.clouds.values()}
        if resource.rstrip("/").lower() not in known:
            return _text(403, f"failed to get service principal token for pod:{ns}/{pod}, error: resource {resource} "
                              f"not found in tenant")
        token, iat, exp = self.ctx.tokens.issue(ident, resource, TOKEN_LIFETIME, "2")
        tok = {"access_token": token, "refresh_token": ""}
        tok.update(token_fields(token, iat, exp, resource))
        return Response(200, json.dumps({"token": tok, "clientid": ident["client_id"]}).encode(), [],
                        "application/json")

    def fault_response(self, req, fault) -> Response:
        status = int(fault["status"])
        resp = _text(status, str(fault.get("body") or f"fakeazure injected HTTP {status}"))
        if fault.get("retry_after") is not None:
            resp.headers.append(("Retry-After", str(fault["retry_after"])))
        return resp
