"""Shared helpers of the chart tests and of the generators (values table, static manifest).

Rendering goes through Helm's own engine (helm-python-sdk), so values coalescing, schema validation and
`fail` behave exactly as in `helm install` / `helm template`.
"""
import copy
import os

import helm_python as helm
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHART_DIR = os.path.join(ROOT, "charts", "csi-secrets-store-provider-azure")
STATIC_MANIFEST = os.path.join(ROOT, "deploy", "provider-azure-installer.yaml")
RELEASE = "csi-secrets-store-provider-azure"
NAMESPACE = "kube-system"
# The image a user sets after pushing the Dockerfile's image; the chart has no default (nothing is published).
TEST_IMAGE = "myregistry.azurecr.io/secrets-store-csi-driver-provider-azure"
# The upstream driver chart cannot be downloaded here: renders leave it out (its declaration is tested apart).
APPLY_ORDER = ["ServiceAccount", "Service", "DaemonSet", "ServiceMonitor"]
BASE_VALUES = {
    "linux": {"image": {"repository": TEST_IMAGE}},
    "secrets-store-csi-driver": {"install": False},
}


def merge(base, override):
    """Deep merge of plain dicts, the way Helm merges -f files (override wins, lists replaced)."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_chart(path=CHART_DIR):
    return helm.Chart.load(path)


def render_raw(chart, values, *, release=RELEASE, namespace=NAMESPACE):
    """Template path -> rendered text, for the values merged over BASE_VALUES."""
    return chart.render(merge(BASE_VALUES, values), name=release, namespace=namespace, is_install=True)


def objects(rendered):
    """Every Kubernetes object of a render, in template order (NOTES.txt and empty documents left out)."""
    out = []
    for path in sorted(rendered):
        if path.endswith("NOTES.txt"):
            continue
        for doc in yaml.safe_load_all(rendered[path]):
            if doc:
                out.append(doc)
    return out


def render(chart, values=None, **kwargs):
    return objects(render_raw(chart, values or {}, **kwargs))


def find(objs, kind, name=None):
    found = [o for o in objs if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]
    assert len(found) == 1, f"expected one {kind} {name or ''}, got {[o['metadata']['name'] for o in found]}"
    return found[0]


def container(objs):
    pod = find(objs, "DaemonSet")["spec"]["template"]["spec"]
    (only,) = pod["containers"]
    return only


def static_manifest_text(chart):
    """The text of deploy/provider-azure-installer.yaml: the chart's defaults, the provider only."""
    rendered = chart.render(
        merge(BASE_VALUES, {"linux": {"image": {"repository": "REGISTRY/secrets-store-csi-driver-provider-azure"}}}),
        name=RELEASE, namespace=NAMESPACE, is_install=True)
    # Objects others refer to first, as `helm install` orders them, so `kubectl apply -f` creates the
    # ServiceAccount before the DaemonSet's pods need it.
    docs = sorted(objects(rendered), key=lambda o: APPLY_ORDER.index(o["kind"]))
    header = (
        "# Generated from charts/csi-secrets-store-provider-azure with its default values and\n"
        "# secrets-store-csi-driver.install=false (the driver installed separately), release\n"
        f"# {RELEASE} in namespace {NAMESPACE}. Do not edit: run `make chart-manifest`.\n"
        "# Replace REGISTRY with the registry you pushed this provider's image to.\n"
    )
    return header + "".join("---\n" + yaml.safe_dump(d, sort_keys=False, default_flow_style=False) for d in docs)
