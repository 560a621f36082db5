"""The chart README's values table and deploy/provider-azure-installer.yaml are current."""
import kubernetes_validate
import yaml

import values_doc
from chartlib import APPLY_ORDER, STATIC_MANIFEST, render, static_manifest_text


def test_every_value_is_documented():
    assert values_doc.undocumented_leaves() == []


def test_readme_values_table_is_current():
    assert values_doc.readme_table() == values_doc.expected_table(), \
        "charts/csi-secrets-store-provider-azure/README.md is stale: run `make chart-docs`"


def test_static_manifest_is_current(chart):
    with open(STATIC_MANIFEST) as f:
        assert f.read() == static_manifest_text(chart), "deploy/provider-azure-installer.yaml is stale: run `make chart-manifest`"


def test_static_manifest_is_the_default_render(chart):
    with open(STATIC_MANIFEST) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    expected = render(chart, {"linux": {"image": {"repository": "REGISTRY/secrets-store-csi-driver-provider-azure"}}})
    assert [d["kind"] for d in docs] == ["ServiceAccount", "DaemonSet"]
    assert docs == sorted(expected, key=lambda o: APPLY_ORDER.index(o["kind"]))
    for doc in docs:
        kubernetes_validate.validate(doc, "1.37.0", strict=True)
