"""The upstream driver chart as an optional dependency. The real chart cannot be downloaded here, so the
declaration is checked as data, and the condition and value routing through Helm's engine with a stub
chart of the same name that echoes the values it receives."""
import os
import shutil

import helm_python as helm
import yaml

from chartlib import CHART_DIR, TEST_IMAGE, objects


def chart_yaml():
    with open(os.path.join(CHART_DIR, "Chart.yaml")) as f:
        return yaml.safe_load(f)


def test_dependency_declaration():
    (dep,) = chart_yaml()["dependencies"]
    assert dep == {"name": "secrets-store-csi-driver",
                   "repository": "https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts",
                   "version": "1.5.4", "condition": "secrets-store-csi-driver.install"}
    (listed,) = helm.dependency_list(CHART_DIR)
    assert listed["name"] == "secrets-store-csi-driver" and listed["status"] == "missing"


def test_driver_defaults_for_workload_identity_rotation_and_sync():
    with open(os.path.join(CHART_DIR, "values.yaml")) as f:
        driver = yaml.safe_load(f)["secrets-store-csi-driver"]
    assert driver["install"] is True
    assert driver["tokenRequests"] == [{"audience": "api://AzureADTokenExchange"}]
    assert driver["enableSecretRotation"] is False and driver["rotationPollInterval"] == "2m"
    assert driver["syncSecret"] == {"enabled": False}
    assert driver["linux"]["providersDir"] == "/var/run/secrets-store-csi-providers"
    assert driver["fullnameOverride"] == "secrets-store-csi-driver"


STUB_TEMPLATE = """apiVersion: v1
kind: ConfigMap
metadata:
  name: driver-values-echo
data:
  values: {{ toJson .Values | quote }}
"""


def render_with_stub(tmp_path, values):
    copy = tmp_path / "chart"
    shutil.copytree(CHART_DIR, copy)
    stub = copy / "charts" / "secrets-store-csi-driver"
    (stub / "templates").mkdir(parents=True)
    (stub / "Chart.yaml").write_text("apiVersion: v2\nname: secrets-store-csi-driver\nversion: 1.5.4\n")
    (stub / "templates" / "echo.yaml").write_text(STUB_TEMPLATE)
    # "unpacked": a directory (not an archive) with the declared name and version, which Helm loads.
    assert [d["status"] for d in helm.dependency_list(copy)] == ["unpacked"]
    values = {"linux": {"image": {"repository": TEST_IMAGE}}, **values}
    with helm.Chart.load(copy) as chart:
        return objects(chart.render(values, name="csi", namespace="kube-system", is_install=True))


def test_install_true_passes_the_driver_values(tmp_path):
    objs = render_with_stub(tmp_path, {"secrets-store-csi-driver": {
        "enableSecretRotation": True, "rotationPollInterval": "5m", "syncSecret": {"enabled": True}}})
    (echo,) = [o for o in objs if o["kind"] == "ConfigMap"]
    got = yaml.safe_load(echo["data"]["values"])
    assert got["tokenRequests"] == [{"audience": "api://AzureADTokenExchange"}]
    assert got["enableSecretRotation"] is True and got["rotationPollInterval"] == "5m"
    assert got["syncSecret"] == {"enabled": True}
    assert got["linux"]["providersDir"] == "/var/run/secrets-store-csi-providers"
    assert got["fullnameOverride"] == "secrets-store-csi-driver"
    assert any(o["kind"] == "DaemonSet" for o in objs)


def test_install_false_leaves_the_driver_out(tmp_path):
    objs = render_with_stub(tmp_path, {"secrets-store-csi-driver": {"install": False}})
    assert [o["kind"] for o in objs if o["kind"] == "ConfigMap"] == []
