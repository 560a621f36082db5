"""Conformance: every recorded Go-provider vector replayed through the real provider binary.

For each vector (`vector.json` + `expected/`, recorded from the Go provider v1.8.2), a fake vault `kv-bench`
is seeded with exactly the Key Vault answers the Go provider received (explicit versions, values,
content types, dates, kid/managed, JWKs, `cer`, `x5t`), a provider is started with the vector's flags,
the vector's `objects` are mounted with its default permission, and the answer must equal what the Go
provider answered: the same files (path, mode, bytes, SHA-256) in the same order and the same object
versions. The files are also written with the driver's atomic writer and the tree compared to `expected/`.

Vectors live in the repository (a clone has nothing outside it): most in
`Tests/KeyVaultContentTests/Fixtures/conformance/`, the others in `Tests/e2e/conformance_vectors/`.
"""
import hashlib
import json
import os
import re

import pytest
import yaml

from conftest import fake_azure_flags
from driver_client import DriverClient, pod_attributes, write_atomically
from fakeazure import FakeAzure, seed

HERE = os.path.dirname(os.path.abspath(__file__))
VECTOR_DIRS = [
    os.path.join(HERE, "..", "KeyVaultContentTests", "Fixtures", "conformance"),
    os.path.join(HERE, "conformance_vectors"),
]
# The vectors recorded for issue 6; all must be found (more may be added).
KNOWN_VECTORS = {
    "alias-subdirectory", "cert-selfsigned", "certsecret-legacy-pfx-chain", "certsecret-pem-scrambled",
    "certsecret-pfx-format-base64", "encoding-base64", "encoding-hex", "filepermission",
    "history-3-from-version", "key-ec-p256", "key-rsa", "secret-basic",
}
VAULT = "kv-bench"
SP_SECRETS = {"clientid": seed.SP_CLIENT_ID, "clientsecret": seed.SP_CLIENT_SECRET}


def find_vectors():
    found = {}
    for base in VECTOR_DIRS:
        assert os.path.isdir(base), f"conformance vectors missing: {base}"
        for name in sorted(os.listdir(base)):
            if os.path.exists(os.path.join(base, name, "vector.json")):
                assert name not in found, f"vector {name} exists twice"
                found[name] = os.path.join(base, name)
    return found


VECTORS = find_vectors()


def load_vector(name):
    with open(os.path.join(VECTORS[name], "vector.json"), encoding="utf-8") as f:
        return json.load(f)


# ---- seeding the fake vault with a vector's recorded answers ----------------------------------------

def version_of(object_id):
    return object_id.rstrip("/").split("/")[-1]


def attribute_fields(attributes):
    """Seed fields reproducing a recorded `attributes` object."""
    out = {"created": attributes["created"], "updated": attributes["updated"], "enabled": attributes["enabled"]}
    for key in ("nbf", "exp"):
        if key in attributes:
            out[key] = attributes[key]
    out["recovery_level"] = attributes["recoveryLevel"]
    out["recoverable_days"] = attributes["recoverableDays"]
    return out


def secret_version(body):
    v = dict(version=version_of(body["id"]), **attribute_fields(body["attributes"]))
    for seed_key, body_key in (("value", "value"), ("content_type", "contentType"), ("kid", "kid"),
                               ("managed", "managed"), ("tags", "tags")):
        if body_key in body:
            v[seed_key] = body[body_key]
    return v


def key_version(body):
    jwk = {k: val for k, val in body["key"].items() if k != "kid"}
    v = dict(version=version_of(body["key"]["kid"]), jwk=jwk, **attribute_fields(body["attributes"]))
    v["exportable"] = body["attributes"].get("exportable", False)
    if body.get("managed"):
        v["managed"] = True
    return v


def certificate_version(body):
    v = dict(version=version_of(body["id"]), cer=body["cer"], x5t=body["x5t"], **attribute_fields(body["attributes"]))
    if "policy" in body:
        v["policy"] = body["policy"]
    return v


BUILDERS = {"secrets": secret_version, "keys": key_version, "certificates": certificate_version}
PLACEHOLDER = "placeholder: this version is disabled, the vector recorded no value"


def vault_from_vector(vector):
    """The `kv-bench` vault holding every object version the vector's Key Vault answers show."""
    objects = {kind: {} for kind in BUILDERS}  # kind -> name -> version -> seed dict
    for entry in vector["key_vault"]:
        _, target = entry["request"].split(" ", 1)
        kind, name, rest = (target.split("?")[0].strip("/").split("/") + [""])[:3]
        versions = objects[kind].setdefault(name, {})
        body = entry["response"]
        if rest == "versions":
            for item in body["value"]:
                listed = secret_version(item) if kind == "secrets" else None
                assert listed is not None, f"only secret version lists are supported, got {kind}"
                versions.setdefault(listed["version"], listed)
            assert body.get("nextLink") is None, "paged recordings are not supported"
        elif entry.get("status", 200) == 200:
            recorded = BUILDERS[kind](body)
            versions[recorded["version"]] = dict(versions.get(recorded["version"], {}), **recorded)
        else:
            # A recorded error is reproduced by the fake from the listed attributes (403 for a disabled one).
            assert entry["status"] == 403 and body["error"]["innererror"]["code"] == "SecretDisabled", entry
    vault = {"name": VAULT, "cloud": "AzurePublicCloud", "location": "eastus", "access": ["sp"]}
    for kind, by_name in objects.items():
        vault[kind] = []
        for name, versions in by_name.items():
            for v in versions.values():
                if kind == "secrets" and "value" not in v:
                    assert not v["enabled"], f"enabled version {v['version']} of {name} has no recorded value"
                    v["value"] = PLACEHOLDER
            vault[kind].append({"name": name, "versions": list(versions.values())})
    return vault


def seed_for(vector):
    with open(seed.DEFAULT_SEED_PATH, encoding="utf-8") as f:
        spec = yaml.safe_load(f)  # identities and tenant of the default seed, one vault only
    spec["vaults"] = [vault_from_vector(vector)]
    return spec


def reads_this_provider_makes(vector):
    """The Go provider's requests except its reads of versions it does not write: for a history it GETs
    every listed version and then drops the disabled and surplus ones; this provider picks the versions from
    the list and GETs only those it writes."""
    written = {version for _, version in vector["expected"]["object_versions"]}

    def needed(request):
        segments = request.split(" ", 1)[1].split("?")[0].strip("/").split("/")
        pinned = len(segments) == 3 and re.fullmatch(r"[0-9a-f]{32}", segments[2])
        return not pinned or segments[2] in written
    return sorted(entry["request"] for entry in vector["key_vault"] if needed(entry["request"]))


def provider_flag_args(flags):
    return tuple(f"--{name}={str(value).lower()}" for name, value in sorted(flags.items()))


# ---- comparing the answer ---------------------------------------------------------------------------

def expected_file_bytes(name, path):
    with open(os.path.join(VECTORS[name], "expected", path), "rb") as f:
        return f.read()


def tree(root):
    """{relative path: (mode, bytes)} of the regular files under root, following the driver's symlinks."""
    out = {}
    for dirpath, _, filenames in os.walk(root, followlinks=True):
        for filename in filenames:
            full = os.path.join(dirpath, filename)
            rel = os.path.relpath(full, root)
            if rel.split(os.sep)[0].startswith(".."):
                continue  # the timestamped data dir: reached through the top-level links instead
            with open(full, "rb") as f:
                out[rel] = (os.stat(full).st_mode & 0o777, f.read())
    return out


@pytest.fixture
def bench(start_provider, request):
    """(FakeAzure seeded for the vector, DriverClient of a provider started with the vector's flags)."""
    vector = load_vector(request.param)
    fa = FakeAzure.start(seed=seed_for(vector))
    args, env = fake_azure_flags(fa, *provider_flag_args(vector["provider_flags"]))
    client = DriverClient(start_provider(*args, env=env).socket_path)
    yield fa, client
    client.close()
    fa.stop()


def test_all_recorded_vectors_are_present():
    """The twelve vectors of issue 6 are in the repository, so the parametrized test below covers them all."""
    assert KNOWN_VECTORS <= set(VECTORS), sorted(KNOWN_VECTORS - set(VECTORS))


@pytest.mark.parametrize("bench", sorted(VECTORS), indirect=True)
def test_vector_mount_matches_the_go_provider(bench, request, tmp_path):
    """The provider answers the vector's mount with exactly the Go provider's files (order, path, mode,
    bytes, SHA-256) and object versions, asks Key Vault only what the Go provider asked, and the driver's
    atomic writer produces exactly the `expected/` tree."""
    name = request.node.callspec.params["bench"]
    vector = load_vector(name)
    fa, client = bench
    parameters = {"keyvaultName": VAULT, "tenantID": seed.TENANT_ID, "objects": vector["objects"]}
    response = client.mount(pod_attributes(parameters), SP_SECRETS, permission=int(vector["permission"]))

    expected = vector["expected"]
    got_files = [(f.path, f"{f.mode:04o}", hashlib.sha256(f.contents).hexdigest()) for f in response.files]
    want_files = [(f["path"], f["mode_octal"], f["sha256"]) for f in expected["files"]]
    assert got_files == want_files
    for f in response.files:
        assert f.contents == expected_file_bytes(name, f.path), f.path
    assert [[v.id, v.version] for v in response.object_version] == expected["object_versions"]

    # The Go provider's Key Vault requests, each once, except reads of versions that are not written.
    made = [f"{r['method']} {r['path']}" for r in fa.requests("keyvault")]
    assert sorted(made) == reads_this_provider_makes(vector)

    target = tmp_path / "target"
    write_atomically(str(target), response.files)
    want_tree = {f["path"]: (int(f["mode_octal"], 8), expected_file_bytes(name, f["path"])) for f in expected["files"]}
    assert tree(str(target)) == want_tree
    assert tree(os.path.join(VECTORS[name], "expected")).keys() == want_tree.keys()
