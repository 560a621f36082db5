"""Seed data: the default seed's constants, loading a seed (file/dict), and turning generator entries
into explicit content (cached, because RSA key generation is the slow part of start-up)."""
import copy
import hashlib
import json
import os

import yaml

from . import material

DEFAULT_SEED_PATH = os.path.join(os.path.dirname(__file__), "default_seed.yaml")

# ---- constants of the default seed (default_seed.yaml is the source; a test keeps them equal) ----
TENANT_ID = "8a3b9c1d-2e4f-4a5b-9c6d-7e8f9a0b1c2d"
OIDC_ISSUER = "https://oidc.fakeazure.test/clusters/8a3b9c1d/"
SUBSCRIPTION_ID = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"

SP_CLIENT_ID = "5f1c8a2e-7d3b-4e6f-9a1c-2b3d4e5f6a7b"
SP_OBJECT_ID = "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d"
SP_CLIENT_SECRET = "fake-sp-secret~Q8x.0123456789abcdefghij"

RESTRICTED_SP_CLIENT_ID = "7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e"
RESTRICTED_SP_OBJECT_ID = "8c9d0e1f-2a3b-4c4d-8e5f-6a7b8c9d0e1f"
RESTRICTED_SP_CLIENT_SECRET = "fake-restricted-secret~R7y.abcdefghij0123456789"

WORKLOAD_CLIENT_ID = "9d0e1f2a-3b4c-4d5e-9f6a-7b8c9d0e1f2a"
WORKLOAD_OBJECT_ID = "0e1f2a3b-4c5d-4e6f-8a7b-8c9d0e1f2a3b"
WORKLOAD_NAMESPACE = "default"
WORKLOAD_SERVICE_ACCOUNT = "workload-sa"
WORKLOAD_SUBJECT = "system:serviceaccount:default:workload-sa"
TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"

VM_SYSTEM_CLIENT_ID = "1f2a3b4c-5d6e-4f7a-9b8c-9d0e1f2a3b4c"
VM_SYSTEM_OBJECT_ID = "2a3b4c5d-6e7f-4a8b-8c9d-0e1f2a3b4c5d"

USER_MI_CLIENT_ID = "3b4c5d6e-7f8a-4b9c-9d0e-1f2a3b4c5d6e"
USER_MI_OBJECT_ID = "4c5d6e7f-8a9b-4c0d-8e1f-2a3b4c5d6e7f"
USER_MI_RESOURCE_ID = ("/subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/resourcegroups/rg-fake/providers/"
                       "Microsoft.ManagedIdentity/userAssignedIdentities/fake-user-mi")

POD_MI_CLIENT_ID = "5d6e7f8a-9b0c-4d1e-9f2a-3b4c5d6e7f8a"
POD_MI_OBJECT_ID = "6e7f8a9b-0c1d-4e2f-8a3b-4c5d6e7f8a9b"
POD_NAMESPACE = "default"
POD_NAME = "demo-pod"

VAULTS = ["kv-demo", "kv-restricted", "kv-gov", "kv-china", "kv-german", "kv-stack"]

# Bump when the materialized form changes, so stale caches are ignored.
_MATERIAL_FORMAT = 4
BASE_CREATED = 1735689600  # 2025-01-01T00:00:00Z, default `created` of the first version


def load_spec(seed) -> dict:
    """seed: None (built-in default), a dict, or a path to a YAML/JSON file."""
    if seed is None:
        seed = DEFAULT_SEED_PATH
    if isinstance(seed, dict):
        return copy.deepcopy(seed)
    with open(os.fspath(seed), encoding="utf-8") as f:
        return yaml.safe_load(f)  # YAML is a superset of JSON


def default_cache_dir() -> str:
    base = os.environ.get("FAKEAZURE_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "fakeazure")
    return base


def _version_id(*parts) -> str:
    # Deterministic 32-hex version ids: the same seed gives the same ids on every start.
    return hashlib.md5("/".join(str(p) for p in parts).encode()).hexdigest()


def materialize(spec: dict, cache_dir: str | None) -> dict:
    """Explicit seed: every version carries its final content. Cached by a hash of the spec."""
    digest = hashlib.sha256(json.dumps([_MATERIAL_FORMAT, spec], sort_keys=True, default=str).encode()).hexdigest()
    path = os.path.join(cache_dir, f"seed-{digest[:24]}.json") if cache_dir else None
    if path and os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            pass  # corrupt cache: regenerate
    out = _materialize(copy.deepcopy(spec))
    if path:
        os.makedirs(cache_dir, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as f:
            json.dump(out, f)
        os.replace(tmp, path)
    return out


def _common(vault: str, kind: str, name: str, i: int, v: dict, prev_created: int | None) -> None:
    v.setdefault("version", _version_id(vault, kind, name, i))
    v["version"] = str(v["version"]).lower()
    if "created" not in v:
        v["created"] = (prev_created + 86400) if prev_created is not None else BASE_CREATED
    v.setdefault("updated", v["created"])
    v.setdefault("enabled", True)


def _materialize(spec: dict) -> dict:
    spec.setdefault("identities", {})
    chains: dict = {}  # per vault: (root, root_key, intermediate, intermediate_key)
    for vault in spec.get("vaults", []):
        vname = vault["name"]
        for kind in ("secrets", "keys", "certificates"):
            vault.setdefault(kind, [])
        for obj in vault["secrets"]:
            gen = obj.pop("generate_versions", None)
            if gen:
                start, step = gen.get("created", BASE_CREATED), gen.get("step", 3600)
                obj["versions"] = [dict({"value": gen.get("value", "{name} value {i}").format(i=i + 1, name=obj["name"]),
                                         "created": start + i * step},
                                        **({"content_type": gen["content_type"]} if gen.get("content_type") else {}))
                                   for i in range(gen["count"])]
            prev = None
            for i, v in enumerate(obj["versions"]):
                _common(vname, "secrets", obj["name"], i, v, prev)
                prev = v["created"]
        for obj in vault["keys"]:
            prev = None
            for i, v in enumerate(obj["versions"]):
                _common(vname, "keys", obj["name"], i, v, prev)
                prev = v["created"]
                if "generate" in v:
                    key = material.generate_key(v.pop("generate"))
                    v["jwk"] = material.public_jwk(key, v.get("key_ops"))
                v.setdefault("exportable", False)
        for obj in vault["certificates"]:
            prev = None
            for i, v in enumerate(obj["versions"]):
                _common(vname, "certificates", obj["name"], i, v, prev)
                prev = v["created"]
                if "generate" in v:
                    _generate_certificate(vname, obj["name"], v, chains)
    return spec


def _generate_certificate(vault: str, name: str, v: dict, chains: dict) -> None:
    g = v.pop("generate")
    key_spec = g.get("key", "RSA-2048")
    key = material.generate_key(key_spec)
    cn = g.get("subject_cn") or f"{name}.{vault}.fakeazure.test"
    if g.get("issuer", "self") == "chain":
        if vault not in chains:
            root_key = material.generate_key("EC-P384")
            root = material.make_ca(f"{vault} Fake Root CA", root_key)
            inter_key = material.generate_key("EC-P256")
            inter = material.make_ca(f"{vault} Fake Intermediate CA", inter_key, root, root_key, path_len=0)
            chains[vault] = (root, root_key, inter, inter_key)
        root, _, inter, inter_key = chains[vault]
        leaf = material.make_leaf(cn, key, inter, inter_key)
        chain = [leaf, inter, root]
    else:
        leaf = material.make_leaf(cn, key)
        chain = [leaf]
    fmt = g.get("format", "pkcs12-legacy")
    value, content_type = material.backing_secret(key, chain, fmt, g.get("pem_order", "key-first"))
    v["cer"], v["x5t"] = material.cer_and_x5t(leaf)
    v.setdefault("nbf", int(material.NOT_BEFORE.timestamp()))
    v.setdefault("exp", int(material.NOT_AFTER.timestamp()))
    v["secret"] = {"value": value, "content_type": content_type}
    kops = ["sign", "verify", "wrapKey", "unwrapKey", "encrypt", "decrypt"] if key_spec.upper().startswith("RSA") \
        else ["sign", "verify"]
    v["key"] = {"jwk": material.public_jwk(key, kops), "exportable": True}
    v.setdefault("policy", material.default_policy(leaf, key_spec, content_type))
