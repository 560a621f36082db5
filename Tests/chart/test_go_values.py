"""A values file written for the Go provider's chart (v1.8.2 keys) renders, and each Go key keeps its meaning."""
import os

import kubernetes_validate
import yaml

from chartlib import container, find, objects, RELEASE, NAMESPACE

GO_VALUES = os.path.join(os.path.dirname(__file__), "fixtures", "go-chart-values.yaml")


def rendered(chart):
    with open(GO_VALUES) as f:
        values = yaml.safe_load(f)
    # Rendered alone (not over BASE_VALUES): the file is the whole configuration, as with `helm install -f`.
    # The driver dependency it enables is absent from charts/, which Helm's renderer skips.
    return objects(chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True))


def test_go_values_file_renders_and_validates(chart):
    objs = rendered(chart)
    assert sorted(o["kind"] for o in objs) == ["DaemonSet", "ServiceAccount"]
    for obj in objs:
        kubernetes_validate.validate(obj, "1.37.0", strict=True)


def test_go_keys_keep_their_meaning(chart):
    objs = rendered(chart)
    ds = find(objs, "DaemonSet", "csi-secrets-store-provider-azure")
    pod = ds["spec"]["template"]["spec"]
    c = container(objs)
    assert c["image"] == "myregistry.azurecr.io/secrets-store-csi-driver-provider-azure:v0.1.0"
    assert c["imagePullPolicy"] == "Always"
    assert pod["imagePullSecrets"] == [{"name": "acr-pull"}]
    assert c["args"] == [
        "--endpoint=unix:///provider/azure.sock", "--log-format-json=true", "-v=2",
        "--construct-pem-chain=false", "--write-cert-and-key-in-separate-files=true",
        "--custom-user-agent=contoso-aks", "--healthz-port=8990", "--healthz-path=/healthz",
        "--healthz-timeout=10s", "--prometheus-port=8898", "--metrics-bind-address=0.0.0.0",
        "--metrics-object-names=false", "--mount-timeout=90s", "--shutdown-grace-period=30s", "--nmi-port=2579",
        "--max-requests-per-vault=32"]
    assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": 8990}
    assert c["resources"] == {"requests": {"cpu": "50m", "memory": "100Mi"}, "limits": {"cpu": "50m", "memory": "100Mi"}}
    assert pod["volumes"][0]["hostPath"]["path"] == "/etc/kubernetes/secrets-store-csi-providers"
    assert pod["nodeSelector"] == {"kubernetes.io/os": "linux", "agentpool": "system"}
    assert pod["priorityClassName"] == "system-node-critical"
    assert ds["spec"]["updateStrategy"]["rollingUpdate"] == {"maxUnavailable": 2}
    assert ds["spec"]["template"]["metadata"]["labels"]["team"] == "platform"
    assert ds["spec"]["template"]["metadata"]["annotations"] == {"cluster-autoscaler.kubernetes.io/safe-to-evict": "true"}
    assert pod["serviceAccountName"] == "csi-secrets-store-provider-azure"
    assert pod["hostNetwork"] is True and pod["dnsPolicy"] == "ClusterFirstWithHostNet"
