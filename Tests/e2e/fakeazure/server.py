"""FakeAzure: starts every fake (Key Vault, Entra ID, IMDS, NMI), the routing proxy and the admin endpoint."""
import os
import shutil
import tempfile
import threading
import time
import uuid

from dataclasses import dataclass

from . import admin, clouds as clouds_mod, jwtutil, netns, seed as seed_mod
from .ca import TestCA
from .entra import EntraApp
from .faults import Faults, RequestLog
from .httpbase import FakeServer
from .imds import ImdsApp
from .keyvault import KeyVaultApp
from .nmi import NmiApp
from .proxy import ProxyServer, Router
from .store import Store
from .tokens import TokenIssuer
from .token_proxy import TokenProxy


IMDS_ADDRESS = "169.254.169.254"


class _Context:
    """State shared by the fakes (what each app reads)."""


@dataclass
class NetnsListeners:
    imds_url: str       # http://169.254.169.254 (port 80), reachable inside the namespace only
    proxy_url: str      # the proxy inside the namespace (Key Vault and Entra ID by their real names)
    proxy: ProxyServer  # its `connections` show what was tunnelled


class FakeAzure:
    @classmethod
    def start(cls, seed=None, latency_ms: int = 0, state_dir: str | None = None,
              token_lifetime: int | None = None, proxy_auth: tuple[str, str] | None = None) -> "FakeAzure":
        """proxy_auth=(user, password): the proxy demands `Proxy-Authorization: Basic` with them (407
        otherwise), and proxy_url carries them (`http://user:password@127.0.0.1:port`)."""
        fa = cls()
        fa.proxy_auth = proxy_auth
        try:
            fa._start(seed, latency_ms, state_dir, token_lifetime)
        except BaseException:
            fa.stop()
            raise
        return fa

    def __init__(self):
        self._servers = []
        self._tmpdir = None
        self.proxy_auth = None
        self.stopping = threading.Event()
        self.startup_seconds = None

    def _start(self, seed, latency_ms, state_dir, token_lifetime):
        t0 = time.monotonic()
        if state_dir:
            os.makedirs(state_dir, exist_ok=True)
            self.state_dir = state_dir
            cache_dir = os.path.join(state_dir, "cache")
        else:
            self.state_dir = self._tmpdir = tempfile.mkdtemp(prefix="fakeazure-")
            cache_dir = seed_mod.default_cache_dir()
        spec = seed_mod.load_spec(seed)
        explicit = seed_mod.materialize(spec, cache_dir)
        self.seed = explicit
        self.tenant_id = explicit["tenant_id"]
        self.oidc_issuer = explicit.get("oidc_issuer") or f"https://oidc.fakeazure.test/{self.tenant_id}/"
        self.clouds = clouds_mod.build(explicit.get("clouds"))
        self.identities = {}
        for name, ident in (explicit.get("identities") or {}).items():
            ident = dict(ident, name=name)
            ident.setdefault("type", "application")
            ident.setdefault("object_id", str(uuid.uuid5(uuid.NAMESPACE_URL, ident["client_id"])))
            fcs = []
            for fc in ident.get("federated_credentials") or []:
                fc = dict(fc)
                if fc.get("issuer") in (None, "default"):
                    fc["issuer"] = self.oidc_issuer
                fc.setdefault("audiences", ["api://AzureADTokenExchange"])
                fcs.append(fc)
            ident["federated_credentials"] = fcs
            self.identities[name] = ident
        self.imds_config = explicit.get("imds") or {}
        self.pod_identities = explicit.get("pod_identities") or []
        self.store = Store(explicit, self.clouds, self.identities)
        self.vaults = list(self.store.vaults)

        self.faults = Faults(latency_ms)
        self.log = RequestLog()
        self.tokens = TokenIssuer(self.tenant_id, token_lifetime)
        ctx = _Context()
        ctx.faults, ctx.log, ctx.stopping, ctx.tokens = self.faults, self.log, self.stopping, self.tokens
        ctx.tenant_id, ctx.identities, ctx.clouds = self.tenant_id, self.identities, self.clouds
        ctx.imds, ctx.pod_identities, ctx.oidc_issuer = self.imds_config, self.pod_identities, self.oidc_issuer

        self.ca = TestCA(self.state_dir)
        self.ca_bundle = self.ca.ca_path
        hosts = []
        for c in self.clouds.values():
            hosts += list(c.authority_hosts) + ["*." + c.vault_suffix]
        tls = self.ca.server_context(hosts)
        # Certificates a misconfigured or stale server would present (set_server_certificate): one for a host
        # name no Azure service has, and one that expired.
        self._tls = {"valid": tls,
                     "wrong-name": self.ca.server_context(["wrong-name.fakeazure.test"], name="wrong-name",
                                                          loopback="none"),
                     # what a proxy at 127.0.0.1 could present: a certificate for its own address only
                     "proxy-address": self.ca.server_context(["proxy.fakeazure.test"], name="proxy-address",
                                                             loopback="ip"),
                     "expired": self.ca.server_context(hosts, expired=True, name="expired")}

        kv = FakeServer("keyvault", KeyVaultApp(self.store, self.tokens, self.tenant_id), ctx, tls)
        entra = FakeServer("entra", EntraApp(ctx), ctx, tls)
        imds = FakeServer("imds", ImdsApp(ctx), ctx)
        nmi = FakeServer("nmi", NmiApp(ctx), ctx)
        self._ctx = ctx
        self._router = Router(self.clouds, ports={"keyvault": kv.port, "entra": entra.port, "imds": imds.port})
        proxy = ProxyServer(self._router, self.stopping, credentials=self.proxy_auth)
        adm = admin.AdminServer(self)
        self.token_proxy = TokenProxy(ctx, os.path.join(self.state_dir, "token-proxy"))  # identity binding
        self._servers = [kv, entra, imds, nmi, proxy, adm, self.token_proxy.server]
        self._https = {"keyvault": kv, "entra": entra}
        for s in self._servers:
            s.start()
        self.keyvault_port, self.entra_port, self.imds_port, self.nmi_port = kv.port, entra.port, imds.port, nmi.port
        self.proxy = proxy
        self.proxy_url = self._proxy_url(proxy.port)
        self.admin_url = f"http://127.0.0.1:{adm.port}"
        self.imds_url = f"http://127.0.0.1:{imds.port}"  # e.g. AZURE_POD_IDENTITY_AUTHORITY_HOST
        self.vault_urls = {name: v.url for name, v in self.store.vaults.items()}
        self.startup_seconds = round(time.monotonic() - t0, 3)

    def _proxy_url(self, port: int) -> str:
        user = "%s:%s@" % self.proxy_auth if self.proxy_auth else ""
        return f"http://{user}127.0.0.1:{port}"

    def serve_in_netns(self, netns_path: str) -> "NetnsListeners":
        """Serves IMDS on 169.254.169.254:80 and a proxy on 127.0.0.1 inside the network namespace at
        `netns_path` (the address must already be on that namespace's loopback), as a node sees them: a
        process in the namespace reaches IMDS directly and Key Vault / Entra ID through the proxy. Both
        share this instance's state (log, faults, tokens); they stop with it."""
        imds_sock = netns.listening_socket(netns_path, IMDS_ADDRESS, 80)
        proxy_sock = netns.listening_socket(netns_path, "127.0.0.1", 0)
        imds = FakeServer("imds", ImdsApp(self._ctx), self._ctx, sock=imds_sock)
        proxy = ProxyServer(self._router, self.stopping, credentials=self.proxy_auth, sock=proxy_sock)
        for server in (imds, proxy):
            server.start()
            self._servers.append(server)
        return NetnsListeners(imds_url=f"http://{IMDS_ADDRESS}", proxy_url=self._proxy_url(proxy.port), proxy=proxy)

    # ---- lifecycle ------------------------------------------------------------------------------
    def stop(self) -> None:
        self.stopping.set()
        for s in reversed(self._servers):
            try:
                s.stop()
            except Exception:  # noqa: BLE001 - stop everything we can
                pass
        self._servers = []
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # ---- observation and control ----------------------------------------------------------------
    def info(self) -> dict:
        ids = {name: {k: v for k, v in i.items() if k in ("type", "client_id", "object_id", "resource_id")}
               for name, i in self.identities.items()}
        return {"pid": os.getpid(), "proxy_url": self.proxy_url, "ca_bundle": self.ca_bundle,
                "nmi_port": self.nmi_port, "imds_url": self.imds_url, "admin_url": self.admin_url,
                "tenant_id": self.tenant_id, "oidc_issuer": self.oidc_issuer, "vaults": self.vaults,
                "vault_urls": self.vault_urls, "identities": ids,
                "startup_seconds": self.startup_seconds}

    def requests(self, server: str | None = None) -> list[dict]:
        return self.log.list(server)

    def clear_requests(self) -> None:
        self.log.clear()

    def inject(self, server: str, kind: str, count: int | None = 1, **opts) -> int:
        return self.faults.inject(server, kind, count, **opts)

    def wait_held(self, fault_id: int, count: int = 1, timeout: float = 10) -> bool:
        """True once `count` requests are held by the `hold` fault `fault_id` (False after timeout)."""
        return self.faults.hold_of(fault_id).wait_caught(count, timeout)

    def release(self, fault_id: int | None = None) -> None:
        """Lets requests held by `fault_id` (by every hold fault when None) go on to their answers."""
        self.faults.release(fault_id)

    def wait_closed(self, fault_id: int, count: int = 1, timeout: float = 10) -> bool:
        """True once `count` requests caught by fault `fault_id` (hang, hold, huge, chunked_endless) were
        abandoned by their client: the connection closed before the answer was complete."""
        return self.faults.wait_closed(fault_id, count, timeout)

    def streamed_bytes(self, fault_id: int) -> int:
        """Body bytes that a `huge` or `chunked_endless` fault has written so far (what the client took)."""
        return self.faults.streamed(fault_id)

    def closed_count(self, fault_id: int) -> int:
        return self.faults.closed_count(fault_id)

    def set_server_certificate(self, which: str = "valid", server: str | None = None) -> None:
        """The certificate Key Vault and Entra ID (or only `server`) present to new connections:
        "valid", "wrong-name" (names only wrong-name.fakeazure.test), "proxy-address" (names proxy.fakeazure.test
        and the address 127.0.0.1, where the proxy and the fakes listen) or "expired" (signed by the same CA).
        Connections already open keep theirs."""
        for name, srv in self._https.items():
            if server in (None, name):
                srv.ssl_context = self._tls[which]

    # ---- the vaults' contents, changed between mounts (rotation) ---------------------------------
    def _object(self, vault: str, kind: str, name: str):
        return self.store.vaults[vault].objects[kind][name.lower()]

    def add_version(self, vault: str, kind: str, name: str, value: str, version: str | None = None,
                    created: int | None = None, **fields) -> str:
        """Adds a secret version (kind "secrets") created now (after every other): the new latest, as after
        `az keyvault secret set`. Returns its version id."""
        if kind != "secrets":
            raise ValueError("add_version adds secret versions only")
        obj = self._object(vault, kind, name)
        version = version or uuid.uuid4().hex
        created = created or max([int(time.time())] + [v["created"] + 1 for v in obj.versions])
        obj.versions.append(dict(fields, version=version, value=value, created=created, updated=created,
                                 enabled=True))
        return version

    def set_enabled(self, vault: str, kind: str, name: str, version: str, enabled: bool) -> None:
        """Enables or disables one version (`az keyvault secret set-attributes --enabled`)."""
        v = self._object(vault, kind, name).find(version)
        if v is None:
            raise KeyError(f"{vault}/{kind}/{name}/{version}")
        v["enabled"] = bool(enabled)

    def delete_object(self, vault: str, kind: str, name: str) -> None:
        """Deletes an object with all its versions: reads and lists answer 404 from now on."""
        del self.store.vaults[vault].objects[kind][name.lower()]

    def clear_faults(self) -> None:
        self.faults.clear()

    def set_latency(self, ms: int, server: str | None = None) -> None:
        self.faults.set_latency(ms, server)

    def expire_tokens(self) -> None:
        self.tokens.expire_all()

    def set_token_lifetime(self, seconds: int | None) -> None:
        self.tokens.lifetime = None if seconds is None else int(seconds)

    def reset(self) -> None:
        """Between tests: no faults (held requests released), empty log, base latency restored, real token
        lifetimes."""
        self.clear_faults()
        self.clear_requests()
        self.faults.reset_latency()
        self.set_token_lifetime(None)
        self.set_server_certificate("valid")

    def mint_service_account_token(self, namespace: str, service_account: str,
                                   audience: str = "api://AzureADTokenExchange", lifetime_seconds: int = 3600,
                                   issuer: str | None = None, pod: str | None = None) -> str:
        """A JWT shaped like a Kubernetes projected service-account token (Entra ID here checks claims only)."""
        now = int(time.time())
        claims = {"aud": [audience], "exp": now + lifetime_seconds, "iat": now,
                  "iss": issuer or self.oidc_issuer,
                  "kubernetes.io": {"namespace": namespace,
                                    "pod": {"name": pod or "demo-pod", "uid": str(uuid.uuid4())},
                                    "serviceaccount": {"name": service_account, "uid": str(uuid.uuid4())}},
                  "nbf": now, "sub": f"system:serviceaccount:{namespace}:{service_account}"}
        return jwtutil.encode(claims, header={"alg": "RS256", "kid": "fakeazure-sa"})
