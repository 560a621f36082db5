"""Renders the chart for the defaults and several combinations, validates every object against the
Kubernetes 1.37 schemas, and checks what the provider's DaemonSet must look like on a node."""
import kubernetes_validate
import pytest

from chartlib import TEST_IMAGE, container, find, render

KUBERNETES = "1.37.0"

COMBINATIONS = {
    "defaults": {},
    "everything-on": {
        "imagePullSecrets": [{"name": "acr-pull"}],
        "logFormatJSON": True, "logVerbosity": 3,
        "linux": {"customUserAgent": "contoso", "priorityClassName": "system-node-critical",
                  "podLabels": {"team": "platform"}, "podAnnotations": {"a": "b"},
                  "env": [{"name": "SSL_CERT_DIR", "value": "/etc/ssl/certs"}],
                  "volumes": [{"name": "extra", "emptyDir": {}}],
                  "volumeMounts": [{"name": "extra", "mountPath": "/extra"}],
                  "nodeSelector": {"agentpool": "system"}},
        "cloudName": "AzureUSGovernmentCloud",
        "extraCABundle": {"configMapName": "corp-ca", "key": "bundle.pem"},
        "proxy": {"httpsProxy": "http://proxy:3128", "httpProxy": "http://proxy:3128",
                  "noProxy": "169.254.169.254,.svc,10.0.0.0/8"},
        "metrics": {"serviceMonitor": {"enabled": True, "labels": {"release": "prometheus"}}},
        "writeCertAndKeyInSeparateFiles": True,
    },
    "legacy-providers-dir": {"linux": {"providersDir": "/etc/kubernetes/secrets-store-csi-providers"}},
    "privileged": {"linux": {"privileged": True}},
    "no-serviceaccount": {"rbac": {"install": False}, "serviceAccount": {"name": "existing-sa"}},
    "renamed": {"fullnameOverride": "kv-provider", "nameOverride": "kvp"},
    "linux-disabled": {"linux": {"enabled": False}},
}


def validate(obj):
    """kubernetes-validate in strict mode (unknown fields are errors). CRDs have no schema there: the
    ServiceMonitor is checked field by field instead."""
    if obj["kind"] == "ServiceMonitor":
        assert obj["apiVersion"] == "monitoring.coreos.com/v1"
        assert obj["spec"]["endpoints"] and obj["spec"]["selector"]["matchLabels"]
        return
    kubernetes_validate.validate(obj, KUBERNETES, strict=True)


@pytest.mark.parametrize("name", sorted(COMBINATIONS))
def test_every_object_validates(chart, name):
    objs = render(chart, COMBINATIONS[name])
    if name == "linux-disabled":
        assert objs == []
        return
    assert objs, "nothing rendered"
    for obj in objs:
        validate(obj)
        assert obj["metadata"]["namespace"] == "kube-system"


def test_default_objects(chart):
    objs = render(chart)
    assert sorted(o["kind"] for o in objs) == ["DaemonSet", "ServiceAccount"]


def test_daemonset_runs_on_every_linux_node(chart):
    pod = find(render(chart), "DaemonSet")["spec"]["template"]["spec"]
    assert pod["nodeSelector"] == {"kubernetes.io/os": "linux"}
    assert pod["tolerations"] == [{"operator": "Exists"}]
    term = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert term == [{"matchExpressions": [{"key": "type", "operator": "NotIn", "values": ["virtual-kubelet"]}]}]


def test_host_network_for_imds_and_nmi(chart):
    pod = find(render(chart), "DaemonSet")["spec"]["template"]["spec"]
    assert pod["hostNetwork"] is True
    assert pod["dnsPolicy"] == "ClusterFirstWithHostNet"


def test_socket_in_the_providers_directory(chart):
    objs = render(chart)
    pod = find(objs, "DaemonSet")["spec"]["template"]["spec"]
    c = container(objs)
    assert c["args"][0] == "--endpoint=unix:///provider/azure.sock"
    assert [a for a in c["args"] if a.startswith("--endpoint")] == ["--endpoint=unix:///provider/azure.sock"]
    assert {"name": "providervol", "mountPath": "/provider"} in c["volumeMounts"]
    assert {"name": "providervol",
            "hostPath": {"path": "/var/run/secrets-store-csi-providers", "type": "DirectoryOrCreate"}} in pod["volumes"]


def test_security_context(chart):
    objs = render(chart)
    c = container(objs)
    assert c["securityContext"] == {
        "runAsUser": 0, "runAsGroup": 0, "readOnlyRootFilesystem": True, "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}
    pod = find(objs, "DaemonSet")["spec"]["template"]["spec"]
    assert pod["securityContext"] == {"seccompProfile": {"type": "RuntimeDefault"}}
    assert pod["automountServiceAccountToken"] is False
    assert find(objs, "ServiceAccount")["automountServiceAccountToken"] is False


def test_liveness_probe_and_ports(chart):
    c = container(render(chart))
    assert c["livenessProbe"] == {"httpGet": {"path": "/healthz", "port": 8989}, "initialDelaySeconds": 5,
                                  "periodSeconds": 30, "timeoutSeconds": 10, "failureThreshold": 3}
    assert c["ports"] == [{"name": "healthz", "containerPort": 8989, "protocol": "TCP"},
                          {"name": "metrics", "containerPort": 8898, "protocol": "TCP"}]


def test_resources(chart):
    assert container(render(chart))["resources"] == {
        "requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "200m", "memory": "160Mi"}}


def test_default_arguments_are_the_providers_flags(chart):
    assert container(render(chart))["args"] == [
        "--endpoint=unix:///provider/azure.sock", "--log-format-json=false", "-v=0",
        "--construct-pem-chain=true", "--write-cert-and-key-in-separate-files=false",
        "--healthz-port=8989", "--healthz-path=/healthz", "--healthz-timeout=5s", "--prometheus-port=8898",
        "--metrics-bind-address=0.0.0.0", "--metrics-object-names=false", "--mount-timeout=90s",
        "--shutdown-grace-period=30s", "--nmi-port=2579", "--max-requests-per-vault=32"]


def test_image_and_names(chart):
    objs = render(chart)
    ds = find(objs, "DaemonSet", "csi-secrets-store-provider-azure")
    assert ds["spec"]["selector"]["matchLabels"] == {"app": "csi-secrets-store-provider-azure"}
    assert container(objs)["image"] == f"{TEST_IMAGE}:0.1.0"
    assert container(objs)["name"] == "provider-azure-installer"
    assert ds["spec"]["template"]["spec"]["serviceAccountName"] == "csi-secrets-store-provider-azure"


def test_release_name_without_chart_name_is_prefixed(chart):
    objs = render(chart, release="kv")
    find(objs, "DaemonSet", "kv-csi-secrets-store-provider-azure")
