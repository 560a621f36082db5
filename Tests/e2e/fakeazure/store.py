"""The vaults' contents and how Key Vault renders them (bundles and version-list items), key order included."""
from dataclasses import dataclass, field

from . import clouds as clouds_mod

KINDS = ("secrets", "keys", "certificates")


@dataclass
class Vault:
    name: str
    cloud: clouds_mod.Cloud
    location: str
    access: dict                      # object id -> set of permissions ("get", "list")
    recovery_level: str = "Recoverable+Purgeable"
    recoverable_days: int = 90
    objects: dict = field(default_factory=lambda: {k: {} for k in KINDS})  # kind -> lower name -> Obj

    @property
    def host(self) -> str:
        return f"{self.name}.{self.cloud.vault_suffix}"

    @property
    def url(self) -> str:
        return f"https://{self.host}"


@dataclass
class Obj:
    name: str
    versions: list  # version dicts, as in the explicit seed

    def latest(self) -> dict:
        # "Latest" is the most recently created version, enabled or not (a disabled latest answers 403).
        return max(self.versions, key=lambda v: (v["created"], v["version"]))

    def find(self, version: str) -> dict | None:
        version = version.lower()
        return next((v for v in self.versions if v["version"] == version), None)


class Store:
    def __init__(self, seed: dict, cloud_table: dict, identities: dict):
        self.vaults: dict = {}
        self.by_host: dict = {}
        for vs in seed.get("vaults", []):
            access = {}
            for entry in vs.get("access", []):
                if isinstance(entry, str):
                    entry = {"identity": entry, "permissions": ["get", "list"]}
                ident = identities[entry["identity"]]
                access[ident["object_id"]] = set(entry.get("permissions", ["get", "list"]))
            vault = Vault(vs["name"], clouds_mod.lookup(cloud_table, vs.get("cloud")), vs.get("location", "eastus"),
                          access, vs.get("recovery_level", "Recoverable+Purgeable"), vs.get("recoverable_days", 90))
            for kind in KINDS:
                for o in vs.get(kind, []):
                    vault.objects[kind][o["name"].lower()] = Obj(o["name"], o["versions"])
            self._link_certificates(vault)
            self.vaults[vault.name] = vault
            self.by_host[vault.host.lower()] = vault

    @staticmethod
    def _link_certificates(vault: Vault) -> None:
        """A certificate's version also exists as a managed secret and a managed key of the same name/version."""
        for cert in vault.objects["certificates"].values():
            sec_versions, key_versions = [], []
            for v in cert.versions:
                common = {k: v[k] for k in ("version", "created", "updated", "enabled", "nbf", "exp", "tags") if k in v}
                if "secret" in v:
                    s = dict(common, value=v["secret"]["value"], managed=True,
                             kid=f"{vault.url}/keys/{cert.name}/{v['version']}")
                    if v["secret"].get("content_type"):
                        s["content_type"] = v["secret"]["content_type"]
                    sec_versions.append(s)
                if "key" in v:
                    key_versions.append(dict(common, jwk=v["key"]["jwk"], managed=True,
                                             exportable=v["key"].get("exportable", True)))
            for kind, versions in (("secrets", sec_versions), ("keys", key_versions)):
                if not versions:
                    continue
                if cert.name.lower() in vault.objects[kind]:
                    raise ValueError(f"vault {vault.name}: {kind[:-1]} {cert.name} clashes with the certificate's")
                vault.objects[kind][cert.name.lower()] = Obj(cert.name, versions)


def attributes(vault: Vault, v: dict, kind: str) -> dict:
    a = {"enabled": bool(v.get("enabled", True))}
    for k in ("nbf", "exp"):
        if v.get(k) is not None:
            a[k] = int(v[k])
    a["created"] = int(v["created"])
    a["updated"] = int(v.get("updated", v["created"]))
    a["recoveryLevel"] = v.get("recovery_level", vault.recovery_level)
    a["recoverableDays"] = int(v.get("recoverable_days", vault.recoverable_days))
    if kind == "keys" and "exportable" in v:
        a["exportable"] = bool(v["exportable"])
    return a


def object_id(vault: Vault, kind: str, name: str, version: str) -> str:
    return f"{vault.url}/{kind}/{name}/{version}"


def secret_bundle(vault: Vault, obj: Obj, v: dict) -> dict:
    b = {"value": v["value"]}
    if v.get("content_type") is not None:
        b["contentType"] = v["content_type"]
    b["id"] = object_id(vault, "secrets", obj.name, v["version"])
    if v.get("managed"):
        b["managed"] = True
    b["attributes"] = attributes(vault, v, "secrets")
    if v.get("tags") is not None:
        b["tags"] = v["tags"]
    if v.get("kid"):
        b["kid"] = v["kid"]
    return b


def key_bundle(vault: Vault, obj: Obj, v: dict) -> dict:
    key = {"kid": object_id(vault, "keys", obj.name, v["version"])}
    key.update({k: val for k, val in v["jwk"].items() if k != "kid"})
    b = {"key": key, "attributes": attributes(vault, v, "keys")}
    if v.get("tags") is not None:
        b["tags"] = v["tags"]
    if v.get("managed"):
        b["managed"] = True
    return b


def certificate_bundle(vault: Vault, obj: Obj, v: dict) -> dict:
    b = {"id": object_id(vault, "certificates", obj.name, v["version"]),
         "kid": object_id(vault, "keys", obj.name, v["version"]),
         "sid": object_id(vault, "secrets", obj.name, v["version"]),
         "x5t": v["x5t"], "cer": v["cer"], "attributes": attributes(vault, v, "certificates")}
    if v.get("policy") is not None:
        policy = v["policy"]
        if "id" not in policy:
            policy = dict({"id": f"{vault.url}/certificates/{obj.name}/policy"}, **policy)
            policy.setdefault("attributes", {"enabled": True, "created": int(v["created"]),
                                             "updated": int(v.get("updated", v["created"]))})
        b["policy"] = policy
    if v.get("tags") is not None:
        b["tags"] = v["tags"]
    return b


def list_item(vault: Vault, kind: str, obj: Obj, v: dict) -> dict:
    if kind == "secrets":
        item = {}
        if v.get("content_type") is not None:
            item["contentType"] = v["content_type"]
        item["id"] = object_id(vault, kind, obj.name, v["version"])
        if v.get("managed"):
            item["managed"] = True
        item["attributes"] = attributes(vault, v, kind)
    elif kind == "keys":
        item = {"kid": object_id(vault, kind, obj.name, v["version"]), "attributes": attributes(vault, v, kind)}
        if v.get("managed"):
            item["managed"] = True
    else:
        item = {"id": object_id(vault, kind, obj.name, v["version"]), "x5t": v["x5t"],
                "attributes": attributes(vault, v, kind)}
    if v.get("tags") is not None:
        item["tags"] = v["tags"]
    return item


BUNDLE = {"secrets": secret_bundle, "keys": key_bundle, "certificates": certificate_bundle}
