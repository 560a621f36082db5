"""Fake Microsoft Entra ID: tenant metadata, instance discovery and the v2.0 token endpoint
(client credentials with a client secret or a federated client assertion)."""
import datetime
import re
import time
import uuid
from urllib.parse import urlsplit

from . import clouds as clouds_mod
from . import jwtutil
from .httpbase import Response

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TOKEN_LIFETIME = 3599
_TOKEN_PATH = re.compile(r"^/([^/]+)/oauth2/v2\.0/token/?$")
_OIDC_PATH = re.compile(r"^/([^/]+)/v2\.0/\.well-known/openid-configuration/?$")
CLOCK_SKEW = 300  # Entra tolerates five minutes of skew on assertion timestamps


def aad_error(status: int, error: str, code: int, text: str, headers=None) -> Response:
    """Entra ID's error JSON: description with trace/correlation ids and timestamp, CRLF-separated."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
    trace, corr = str(uuid.uuid4()), str(uuid.uuid4())
    body = {"error": error,
            "error_description": f"AADSTS{code}: {text}\r\nTrace ID: {trace}\r\nCorrelation ID: {corr}\r\nTimestamp: {now}",
            "error_codes": [code], "timestamp": now, "trace_id": trace, "correlation_id": corr,
            "error_uri": f"https://login.microsoftonline.com/error?code={code}"}
    return Response.json(status, body, list(headers or []) + [("x-ms-request-id", trace)])


class EntraApp:
    def __init__(self, ctx):
        self.ctx = ctx  # tenant_id, identities, clouds, oidc_issuer, tokens

    def _cloud_for_host(self, host: str):
        for cloud in self.ctx.clouds.values():
            if host in cloud.authority_hosts:
                return cloud
        return None

    def route(self, req) -> Response:
        m = _OIDC_PATH.match(req.route)
        if req.method == "GET" and m:
            return self._openid_configuration(req, m.group(1))
        if req.method == "GET" and req.route.rstrip("/") == "/common/discovery/instance":
            return self._instance_discovery(req)
        m = _TOKEN_PATH.match(req.route)
        if m:
            if req.method != "POST":
                return aad_error(405, "invalid_request", 900561,
                                 "The endpoint only accepts POST, OPTIONS requests. Received a GET request.")
            return self._token(req, m.group(1))
        return aad_error(404, "invalid_request", 90027, f"fakeazure Entra ID has no endpoint {req.route}.")

    def _tenant_ok(self, tenant: str) -> bool:
        return tenant.lower() == self.ctx.tenant_id.lower()

    def _tenant_not_found(self, tenant: str) -> Response:
        return aad_error(400, "invalid_tenant", 90002,
                         f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are "
                         f"signing in to the correct cloud. Check with your subscription administrator, this may "
                         f"happen if there are no active subscriptions for the tenant.")

    def _openid_configuration(self, req, tenant: str) -> Response:
        if not self._tenant_ok(tenant):
            return self._tenant_not_found(tenant)
        base = f"https://{req.host}/{tenant}"
        cloud = self._cloud_for_host(req.hostname)
        instance = (cloud.authority_host.split(".", 1)[1] if cloud else req.hostname)
        return Response.json(200, {
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"https://{req.hostname}/{self.ctx.tenant_id}/v2.0",
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "http_logout_supported": True, "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
            "claims_supported": ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
                                 "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username",
                                 "name", "tid", "ver", "at_hash", "c_hash", "email"],
            "kerberos_endpoint": f"{base}/kerberos",
            "tenant_region_scope": "NA", "cloud_instance_name": instance,
            "cloud_graph_host_name": "graph.windows.net", "msgraph_host": "graph.microsoft.com",
            "rbac_url": "https://pas.windows.net"})

    def _instance_discovery(self, req) -> Response:
        endpoint = req.query.get("authorization_endpoint", "")
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
        tenant = (parts.path.strip("/").split("/") or ["common"])[0] or "common"
        if host and host not in clouds_mod.KNOWN_AUTHORITY_HOSTS:
            return aad_error(400, "invalid_instance", 50049, "Unknown or invalid instance.")
        metadata = [
            {"preferred_network": "login.microsoftonline.com", "preferred_cache": "login.windows.net",
             "aliases": ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"]},
            {"preferred_network": "login.partner.microsoftonline.cn", "preferred_cache": "login.partner.microsoftonline.cn",
             "aliases": ["login.partner.microsoftonline.cn", "login.chinacloudapi.cn"]},
            {"preferred_network": "login.microsoftonline.de", "preferred_cache": "login.microsoftonline.de",
             "aliases": ["login.microsoftonline.de"]},
            {"preferred_network": "login.microsoftonline.us", "preferred_cache": "login.microsoftonline.us",
             "aliases": ["login.microsoftonline.us", "login.usgovcloudapi.net"]},
        ]
        disc_host = host or "login.microsoftonline.com"
        return Response.json(200, {
            "tenant_discovery_endpoint": f"https://{disc_host}/{tenant}/v2.0/.well-known/openid-configuration",
            "api-version": "1.1", "metadata": metadata})

    # ---- token endpoint -------------------------------------------------------------------------
    def _token(self, req, tenant: str) -> Response:
        if not self._tenant_ok(tenant):
            return self._tenant_not_found(tenant)
        # Entra ID reads the parameters from a form body only: a body of another type (JSON, none) is as if
        # empty, so the first parameter it looks for is missing.
        content_type = req.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        form = req.form() if content_type == "application/x-www-form-urlencoded" else {}
        grant = form.get("grant_type")
        if not grant:
            return aad_error(400, "invalid_request", 900144,
                             "The request body must contain the following parameter: 'grant_type'.")
        if grant != "client_credentials":
            return aad_error(400, "unsupported_grant_type", 70003,
                             f"The app requested an unsupported grant type '{grant}'.")
        client_id = form.get("client_id", "")
        if not client_id:
            return aad_error(400, "invalid_request", 900144,
                             "The request body must contain the following parameter: 'client_id'.")
        scope = form.get("scope", "")
        if not scope:
            return aad_error(400, "invalid_request", 90014,
                             "The required field 'scope' is missing from the credential. Ensure that you have all the "
                             "necessary parameters for the login request.")
        # MSAL Go appends "openid offline_access profile"; OIDC scopes are ignored for client credentials.
        scopes = [s for s in scope.split() if s not in ("openid", "offline_access", "profile", "email")]
        if len(scopes) != 1 or not scopes[0].endswith("/.default"):
            return aad_error(400, "invalid_scope", 1002012,
                             f"The provided value for scope {scope} is not valid. Client credential flows must have a "
                             f"scope value with /.default suffixed to the resource identifier (application ID URI).")
        resource = scopes[0][: -len("/.default")]
        identity = next((i for i in self.ctx.identities.values()
                         if i["client_id"].lower() == client_id.lower() and i.get("type") == "application"), None)
        if identity is None:
            return aad_error(400, "unauthorized_client", 700016,
                             f"Application with identifier '{client_id}' was not found in the directory "
                             f"'{self.ctx.tenant_id}'. This can happen if the application has not been installed by "
                             f"the administrator of the tenant or consented to by any user in the tenant. You may have "
                             f"sent your authentication request to the wrong tenant.")
        if "client_assertion" in form and "client_secret" in form:
            # Exactly one client credential per request. Code and text are a guess: the real answer to
            # this mistake was not found in a primary source.
            problem = aad_error(400, "invalid_request", 9002313,
                                "Invalid request. Request is malformed or invalid. Only one client credential "
                                "('client_secret' or 'client_assertion') may be presented.")
        elif "client_assertion" in form:
            problem = self._check_assertion(identity, form)
            acr = "2"
        elif "client_secret" in form:
            secrets = identity.get("client_secrets") or ([identity["client_secret"]] if identity.get("client_secret") else [])
            problem = None if form["client_secret"] in secrets else aad_error(
                401, "invalid_client", 7000215,
                f"Invalid client secret provided. Ensure the secret being sent in the request is the client secret "
                f"value, not the client secret ID, for a secret added to app '{identity['client_id']}'.")
            acr = "1"
        else:
            problem = aad_error(401, "invalid_client", 7000218,
                                "The request body must contain the following parameter: 'client_assertion' or "
                                "'client_secret'.")
        if problem:
            return problem
        cloud = self._cloud_for_host(req.hostname)
        known = {c.resource.lower() for c in self.ctx.clouds.values()} if cloud is None else {cloud.resource.lower()}
        res_norm = resource.rstrip("/").lower()
        if res_norm.split(":443")[0] not in known and not any(res_norm.startswith(k + ":") for k in known):
            return aad_error(400, "invalid_resource", 500011,
                             f"The resource principal named {resource} was not found in the tenant named "
                             f"{self.ctx.tenant_id}. This can happen if the application has not been installed by the "
                             f"administrator of the tenant or consented to by any user in the tenant. You might have "
                             f"sent your authentication request to the wrong tenant.")
        token, _, _ = self.ctx.tokens.issue(identity, resource, TOKEN_LIFETIME, acr)
        lifetime = self.ctx.tokens.lifetime if self.ctx.tokens.lifetime is not None else TOKEN_LIFETIME
        return Response.json(200, {"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime,
                                   "access_token": token})

    def _check_assertion(self, identity: dict, form: dict):
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            return aad_error(400, "invalid_request", 50027 if form.get("client_assertion_type") else 900144,
                             "The request body must contain the following parameter: 'client_assertion_type'."
                             if not form.get("client_assertion_type") else
                             f"Invalid client_assertion_type '{form.get('client_assertion_type')}'.")
        try:
            _, claims, _, _ = jwtutil.decode(form["client_assertion"])
        except ValueError:
            return aad_error(400, "invalid_request", 50027, "JWT token is invalid or malformed.")
        creds = identity.get("federated_credentials") or []
        if not creds:
            return aad_error(401, "invalid_client", 70021,
                             "No matching federated identity record found for presented assertion. Assertion Issuer: "
                             f"'{claims.get('iss')}'. Assertion Subject: '{claims.get('sub')}'. Assertion Audience: "
                             f"'{claims.get('aud')}'.")
        iss, sub = claims.get("iss"), claims.get("sub")
        auds = claims.get("aud")
        auds = auds if isinstance(auds, list) else [auds]
        by_issuer = [c for c in creds if c["issuer"] == iss]
        if not by_issuer:
            return aad_error(401, "invalid_client", 700211,
                             f"No matching federated identity record found for presented assertion issuer '{iss}'. "
                             f"Please check your federated identity credential Subject, Audience and Issuer against "
                             f"the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation")
        by_subject = [c for c in by_issuer if c["subject"] == sub]
        if not by_subject:
            return aad_error(401, "invalid_client", 700213,
                             f"No matching federated identity record found for presented assertion subject '{sub}'. "
                             f"Please check your federated identity credential Subject, Audience and Issuer against "
                             f"the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation")
        if not any(a in c.get("audiences", ["api://AzureADTokenExchange"]) for c in by_subject for a in auds):
            return aad_error(401, "invalid_client", 700212,
                             f"No matching federated identity record found for presented assertion audience "
                             f"'{','.join(str(a) for a in auds)}'. Please check your federated identity credential "
                             f"Subject, Audience and Issuer against the presented assertion. "
                             f"https://learn.microsoft.com/entra/workload-id/workload-identity-federation")
        now = time.time()
        exp, nbf = claims.get("exp"), claims.get("nbf", claims.get("iat"))
        if not isinstance(exp, (int, float)) or exp + CLOCK_SKEW < now or (isinstance(nbf, (int, float)) and nbf - CLOCK_SKEW > now):
            fmt = lambda t: (datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%m/%d/%Y %H:%M:%S")
                             if isinstance(t, (int, float)) else "unknown")
            return aad_error(401, "invalid_client", 700024,
                             f"Client assertion is not within its valid time range. Current time: {fmt(now)}, "
                             f"assertion valid from {fmt(nbf)}, expiry time of assertion {fmt(exp)}. Review the "
                             f"documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .")
        return None

    def fault_response(self, req, fault) -> Response:
        status = int(fault["status"])
        headers = [("Retry-After", str(fault["retry_after"]))] if fault.get("retry_after") is not None else []
        if fault.get("body") is not None:
            return Response(status, str(fault["body"]).encode(), headers, "application/json; charset=utf-8")
        if fault.get("error"):
            return aad_error(status, fault["error"], int(fault.get("code", 90000)),
                             fault.get("description", "fakeazure injected error."), headers)
        if status == 429:
            return aad_error(429, "temporarily_unavailable", 50196,
                             "The server terminated an operation because it encountered a client request loop.", headers)
        if status >= 500:
            return aad_error(status, "temporarily_unavailable", 90033,
                             "A transient error has occurred. Please try again.", headers)
        if status == 401:
            return aad_error(401, "invalid_client", 7000215, "Invalid client secret provided.", headers)
        return aad_error(status, "invalid_request", 90000, "fakeazure injected error.", headers)


