#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets from the repository's fixtures (standard library + PyYAML).

    python3 Fuzz/seeds.py OUT_DIR      # from the repository root: OUT_DIR/<Target>/<seed>

Input formats are the ones the targets' sources describe (Fuzz/Sources/*/*.swift).
"""

import base64
import glob
import hashlib
import json
import os
import sys

import yaml

POD = {"csi.storage.k8s.io/pod.name": "pod", "csi.storage.k8s.io/pod.namespace": "default"}


def write(out, target, data):
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def example_parameters():
    """spec.parameters of every SecretProviderClass in examples/*.yaml."""
    for path in sorted(glob.glob("examples/*.yaml")):
        with open(path) as f:
            for document in yaml.safe_load_all(f):
                if isinstance(document, dict) and document.get("kind") == "SecretProviderClass":
                    yield {k: str(v) for k, v in document["spec"]["parameters"].items()}


def vectors():
    paths = glob.glob("Tests/e2e/conformance_vectors/*/vector.json")
    paths += glob.glob("Tests/KeyVaultContentTests/Fixtures/conformance/*/vector.json")
    for path in sorted(paths):
        with open(path) as f:
            yield json.load(f)


def main(out):
    classes = list(example_parameters())
    objects = [p["objects"] for p in classes if "objects" in p] + [v["objects"] for v in vectors()]
    secrets = {"clientid": "00000000-0000-0000-0000-000000000001", "clientsecret": "not-a-secret"}
    # FuzzParameters: `objects` alone, and `key=value` lines NUL `objects`.
    for text in objects:
        write(out, "FuzzParameters", text.encode())
    for parameters in classes:
        attributes = dict(parameters, **POD)
        text = attributes.pop("objects", "")
        lines = [f"{k}={v}" for k, v in attributes.items()] + [f"secret.{k}={v}" for k, v in secrets.items()]
        write(out, "FuzzParameters", "\n".join(lines).encode() + b"\0" + text.encode())
    # FuzzMountRequest: attributes JSON NUL secrets JSON NUL permission.
    requests = [dict(p, **POD) for p in classes]
    base = {"keyvaultName": "kv", "tenantID": "tenant", "useVMManagedIdentity": "true", **POD}
    requests += [dict(base, objects=v["objects"]) for v in vectors()]
    for index, attributes in enumerate(requests):
        for secret, permission in (("", "420"), (json.dumps(secrets), "0644"), ("null", str(index))):
            write(out, "FuzzMountRequest", b"\0".join([json.dumps(attributes).encode(), secret.encode(), permission.encode()]))
    # FuzzContent: mode, flags, fields.
    with open("Tests/KeyVaultContentTests/Fixtures/generated/manifest.json") as f:
        manifest = json.load(f)
    root = "Tests/KeyVaultContentTests/Fixtures/generated"
    for case in manifest:
        if case["kind"] == "pfx":
            with open(os.path.join(root, case["value"]), "rb") as f:
                value = f.read().strip()
            chain = 0x10 if case.get("constructPEMChain", True) else 0
            write(out, "FuzzContent", bytes([0, 0x01 | chain]) + b"application/x-pkcs12\0" + value)
            try:
                der = base64.b64decode(value, validate=True)
            except ValueError:
                continue
            write(out, "FuzzContent", bytes([0, 0x41 | chain | 0x20]) + b"application/x-pkcs12\0" + der)
            write(out, "FuzzContent", bytes([0, 0x43 | 0x04]) + b"application/x-pkcs12\0" + der)
        elif case["kind"] == "jwk":
            jwk = case["jwk"]
            members = [jwk.get(k) for k in ("kty", "crv", "n", "e", "x", "y")]
            while members and members[-1] is None:
                members.pop()
            write(out, "FuzzContent", bytes([1, 0]) + b"\0".join((m or "").encode() for m in members))
            raw = [(m or "").encode() for m in members[:2]]
            try:
                for m in members[2:]:
                    raw.append(base64.urlsafe_b64decode(m + "=" * (-len(m) % 4)) if m else b"")
            except ValueError:  # the bad-base64url case: only the text seed
                continue
            write(out, "FuzzContent", bytes([1, 0x40]) + b"\0".join(raw))
        if case.get("expected", "").endswith(".pem") and case["kind"] == "pfx":
            with open(os.path.join(root, case["expected"]), "rb") as f:
                pem = f.read()
            write(out, "FuzzContent", bytes([0, 0x31]) + b"application/x-pem-file\0" + pem)
    for vector in vectors():
        for exchange in vector.get("key_vault", []):
            response = exchange.get("response")
            if not isinstance(response, dict):
                continue
            if "cer" in response:
                write(out, "FuzzContent", bytes([2, 0]) + response["cer"].encode())
                write(out, "FuzzContent", bytes([2, 0x40]) + base64.b64decode(response["cer"]))
            if "key" in response:
                jwk = response["key"]
                members = [jwk.get(k) for k in ("kty", "crv", "n", "e", "x", "y")]
                write(out, "FuzzContent", bytes([1, 0]) + b"\0".join((m or "").encode() for m in members))
            if "value" in response and isinstance(response["value"], str):
                content_type = response.get("contentType", "")
                backed = 0x01 if "kid" in response else 0
                write(out, "FuzzContent", bytes([0, backed | 0x10]) + content_type.encode() + b"\0" + response["value"].encode())
    for target in ("FuzzParameters", "FuzzMountRequest", "FuzzContent"):
        print(target, len(os.listdir(os.path.join(out, target))), "seeds")


if __name__ == "__main__":
    main(sys.argv[1])
