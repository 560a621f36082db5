"""Fake AKS identity-binding token proxy (`useAzureTokenProxy`), and the API server certificate it is named after.

One HTTPS listener on 127.0.0.1 with its own throwaway CA (`ca_bundle`, distinct from the Azure fakes' CA), choosing
its certificate by the TLS server name (SNI) the client sends:
- `sni_name` (`"a" + base32hex(sha256("identity-binding" + CLUSTER_ID))`, lower case, + `.ests.aks`): the token
  proxy, with a certificate naming only that name;
- `localhost` or `kubernetes.default.svc.cluster.local`: the API server, whose certificate also names
  `hcp-kubernetes.<CLUSTER_ID>.svc.cluster.local`, where a client computes `sni_name` from (it serves no HTTP);
- any other name, or none: the handshake is refused (alert `unrecognized_name`).
`server_names` lists every SNI a handshake offered, in order.

Token requests: `POST <any prefix>/<tenant>/oauth2/v2.0/token`, Entra ID's client-assertion form. The proxy stands
in for AKS: it accepts an assertion only with the audience `api://AKSIdentityBinding`, for the identities whose
federated credentials name the assertion's issuer and subject (the fake's stand-in for the RBAC grant
`use-managed-identity`), with the same claim checks and AADSTS errors as the fake Entra ID, and issues the same
Entra ID tokens (the fake Key Vault accepts them). Requests are logged as server `tokenproxy`.
"""
import base64
import hashlib
import os
import re
import ssl
import types

from .ca import TestCA
from .entra import EntraApp, aad_error
from .httpbase import FakeServer, Response

AUDIENCE = "api://AKSIdentityBinding"
CLUSTER_ID = "6a1b2c3d4e5f60718293a4b5"
API_SERVER_NAMES = ("localhost", "kubernetes.default.svc.cluster.local")
_TOKEN_PATH = re.compile(r"^(?:/.*)?/([^/]+)/oauth2/v2\.0/token/?$")


def server_name(cluster_id: str) -> str:
    """The token proxy's TLS server name for a cluster id, as the Go provider v1.8.2 computes it."""
    digest = hashlib.sha256(("identity-binding" + cluster_id).encode()).digest()
    return ("a" + base64.b32hexencode(digest).decode().rstrip("=") + ".ests.aks").lower()


class TokenProxyApp:
    def __init__(self, ctx):
        self.ctx = ctx
        # Entra ID's own token endpoint, over the same identities with the proxy's audience in place of theirs.
        bound = {name: dict(ident, federated_credentials=[dict(fc, audiences=[AUDIENCE])
                                                           for fc in ident.get("federated_credentials") or []])
                 for name, ident in ctx.identities.items()}
        self.entra = EntraApp(types.SimpleNamespace(**dict(vars(ctx), identities=bound)))

    def route(self, req) -> Response:
        m = _TOKEN_PATH.match(req.route)
        if req.method == "POST" and m:
            return self.entra._token(req, m.group(1))
        return Response.json(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound",
                                   "message": f"the token proxy has no endpoint {req.method} {req.route}", "code": 404})

    def fault_response(self, req, fault) -> Response:
        return aad_error(int(fault["status"]), "temporarily_unavailable", 90033, "fakeazure injected error.")


class TokenProxy:
    """The listener (`server`, to start and stop with the other fakes) and what a test needs to point at it."""

    def __init__(self, ctx, directory: str, cluster_id: str = CLUSTER_ID):
        os.makedirs(directory, exist_ok=True)
        self.ca = TestCA(directory)
        self.ca_bundle = self.ca.ca_path
        self.cluster_id = cluster_id
        self.sni_name = server_name(cluster_id)
        self.server_names: list = []
        proxy = self.ca.server_context([self.sni_name], name="token-proxy", loopback="none")
        api_server = self.ca.server_context(
            [*API_SERVER_NAMES, f"hcp-kubernetes.{cluster_id}.svc.cluster.local"], name="api-server",
            loopback="none")
        listener = self.ca.server_context([self.sni_name], name="token-proxy-listener", loopback="none")

        def choose(sock, name, _context):
            self.server_names.append(name)
            if name == self.sni_name:
                sock.context = proxy
            elif name in API_SERVER_NAMES:
                sock.context = api_server
            else:
                return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
            return None

        listener.sni_callback = choose
        self.server = FakeServer("tokenproxy", TokenProxyApp(ctx), ctx, listener)

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def url(self) -> str:
        """The proxy's address, as `--token-proxy-url` names it."""
        return f"https://localhost:{self.port}"
