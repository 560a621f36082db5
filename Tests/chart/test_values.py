"""Each documented value changes the rendered objects as its description says. A value added to
values.yaml without an entry here fails test_every_documented_value_has_an_effect_test."""
import helm_python as helm
import pytest

import values_doc
from chartlib import container, find, merge, render


def ds(objs):
    return find(objs, "DaemonSet")


def pod(objs):
    return ds(objs)["spec"]["template"]["spec"]


def args(objs):
    return container(objs)["args"]


def env(objs):
    return {e["name"]: e.get("value") for e in container(objs).get("env", [])}


def kinds(objs):
    return sorted(o["kind"] for o in objs)


MONITOR_ON = {"metrics": {"serviceMonitor": {"enabled": True}}}

# key -> (values that set it, check on the rendered objects)
EFFECTS = {
    "nameOverride": ({"nameOverride": "kvp"},
                     lambda o: ds(o)["spec"]["selector"]["matchLabels"] == {"app": "kvp"}
                     and ds(o)["metadata"]["name"] == "csi-secrets-store-provider-azure-kvp"),
    "fullnameOverride": ({"fullnameOverride": "kv-provider"}, lambda o: ds(o)["metadata"]["name"] == "kv-provider"),
    "imagePullSecrets": ({"imagePullSecrets": [{"name": "acr"}]},
                         lambda o: pod(o)["imagePullSecrets"] == [{"name": "acr"}]),
    "logFormatJSON": ({"logFormatJSON": True}, lambda o: "--log-format-json=true" in args(o)),
    "logVerbosity": ({"logVerbosity": 5}, lambda o: "-v=5" in args(o)),
    "linux.enabled": ({"linux": {"enabled": False}}, lambda o: o == []),
    "linux.image.repository": ({"linux": {"image": {"repository": "r.example/p"}}},
                               lambda o: container(o)["image"] == "r.example/p:0.1.0"),
    "linux.image.tag": ({"linux": {"image": {"tag": "v9"}}}, lambda o: container(o)["image"].endswith(":v9")),
    "linux.image.pullPolicy": ({"linux": {"image": {"pullPolicy": "Always"}}},
                               lambda o: container(o)["imagePullPolicy"] == "Always"),
    "linux.nodeSelector": ({"linux": {"nodeSelector": {"pool": "a"}}},
                           lambda o: pod(o)["nodeSelector"] == {"kubernetes.io/os": "linux", "pool": "a"}),
    "linux.tolerations": ({"linux": {"tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule"}]}},
                          lambda o: pod(o)["tolerations"] == [{"key": "k", "operator": "Exists", "effect": "NoSchedule"}]),
    "linux.resources": ({"linux": {"resources": {"requests": {"cpu": "10m"}}}},
                        lambda o: container(o)["resources"]["requests"] == {"cpu": "10m", "memory": "64Mi"}),
    "linux.podLabels": ({"linux": {"podLabels": {"team": "x"}}},
                        lambda o: ds(o)["spec"]["template"]["metadata"]["labels"]["team"] == "x"),
    "linux.podAnnotations": ({"linux": {"podAnnotations": {"a": "b"}}},
                             lambda o: ds(o)["spec"]["template"]["metadata"]["annotations"] == {"a": "b"}),
    "linux.priorityClassName": ({"linux": {"priorityClassName": "system-node-critical"}},
                                lambda o: pod(o)["priorityClassName"] == "system-node-critical"),
    "linux.updateStrategy": ({"linux": {"updateStrategy": {"type": "OnDelete"}}},
                             lambda o: ds(o)["spec"]["updateStrategy"]["type"] == "OnDelete"),
    "linux.privileged": ({"linux": {"privileged": True}},
                         lambda o: container(o)["securityContext"].get("privileged") is True
                         and "allowPrivilegeEscalation" not in container(o)["securityContext"]),
    "linux.customUserAgent": ({"linux": {"customUserAgent": "contoso"}},
                              lambda o: "--custom-user-agent=contoso" in args(o)),
    "linux.healthzPort": ({"linux": {"healthzPort": 9000}},
                          lambda o: "--healthz-port=9000" in args(o)
                          and container(o)["livenessProbe"]["httpGet"]["port"] == 9000
                          and container(o)["ports"][0]["containerPort"] == 9000),
    "linux.healthzPath": ({"linux": {"healthzPath": "/live"}},
                          lambda o: "--healthz-path=/live" in args(o)
                          and container(o)["livenessProbe"]["httpGet"]["path"] == "/live"),
    "linux.healthzTimeout": ({"linux": {"healthzTimeout": "2s"}}, lambda o: "--healthz-timeout=2s" in args(o)),
    "linux.volumes": ({"linux": {"volumes": [{"name": "x", "emptyDir": {}}]}},
                      lambda o: {"name": "x", "emptyDir": {}} in pod(o)["volumes"]),
    "linux.volumeMounts": ({"linux": {"volumeMounts": [{"name": "x", "mountPath": "/x"}]},
                            "_also": {"linux": {"volumes": [{"name": "x", "emptyDir": {}}]}}},
                           lambda o: {"name": "x", "mountPath": "/x"} in container(o)["volumeMounts"]),
    # Documented as having no effect: the rendered objects must equal the defaults' (checked below).
    "linux.kubeletRootDir": ({"linux": {"kubeletRootDir": "/data/kubelet"}}, None),
    "linux.providersDir": ({"linux": {"providersDir": "/etc/kubernetes/secrets-store-csi-providers"}},
                           lambda o: pod(o)["volumes"][0]["hostPath"]["path"] == "/etc/kubernetes/secrets-store-csi-providers"
                           and args(o)[0] == "--endpoint=unix:///provider/azure.sock"),
    "linux.affinity": ({"linux": {"affinity": {"podAntiAffinity": {}}}},
                       lambda o: "podAntiAffinity" in pod(o)["affinity"]),
    "linux.dnsPolicy": ({"linux": {"dnsPolicy": "Default"}}, lambda o: pod(o)["dnsPolicy"] == "Default"),
    "linux.env": ({"linux": {"env": [{"name": "SSL_CERT_DIR", "value": "/certs"}]}},
                  lambda o: env(o) == {"SSL_CERT_DIR": "/certs"}),
    "linux.terminationGracePeriodSeconds": ({"linux": {"terminationGracePeriodSeconds": 70}},
                                            lambda o: pod(o)["terminationGracePeriodSeconds"] == 70),
    # Values that refuse to render are checked in test_schema.py (REFUSED).
    "windows.enabled": (None, None),
    "enableArcExtension": (None, None),
    "rbac.pspEnabled": (None, None),
    # The driver chart's values reach only the subchart: test_dependency.py renders them through a stub.
    "secrets-store-csi-driver.install": (None, None),
    "secrets-store-csi-driver.fullnameOverride": (None, None),
    "secrets-store-csi-driver.linux.providersDir": (None, None),
    "secrets-store-csi-driver.enableSecretRotation": (None, None),
    "secrets-store-csi-driver.rotationPollInterval": (None, None),
    "secrets-store-csi-driver.syncSecret.enabled": (None, None),
    "secrets-store-csi-driver.tokenRequests": (None, None),
    "rbac.install": ({"rbac": {"install": False}}, lambda o: kinds(o) == ["DaemonSet"]),
    "serviceAccount.create": ({"serviceAccount": {"create": False, "name": "mine"}},
                              lambda o: kinds(o) == ["DaemonSet"] and pod(o)["serviceAccountName"] == "mine"),
    "serviceAccount.name": ({"serviceAccount": {"name": "kv-sa"}},
                            lambda o: find(o, "ServiceAccount")["metadata"]["name"] == "kv-sa"
                            and pod(o)["serviceAccountName"] == "kv-sa"),
    "constructPEMChain": ({"constructPEMChain": False}, lambda o: "--construct-pem-chain=false" in args(o)),
    "writeCertAndKeyInSeparateFiles": ({"writeCertAndKeyInSeparateFiles": True},
                                       lambda o: "--write-cert-and-key-in-separate-files=true" in args(o)),
    "cloudName": ({"cloudName": "AzureChinaCloud"}, lambda o: "--cloud-name=AzureChinaCloud" in args(o)),
    "mountTimeout": ({"mountTimeout": "45s"}, lambda o: "--mount-timeout=45s" in args(o)),
    "shutdownGracePeriod": ({"shutdownGracePeriod": "1m"}, lambda o: "--shutdown-grace-period=1m" in args(o)),
    "nmiPort": ({"nmiPort": 2580}, lambda o: "--nmi-port=2580" in args(o)),
    "maxRequestsPerVault": ({"maxRequestsPerVault": 8}, lambda o: "--max-requests-per-vault=8" in args(o)),
    "identityBinding.enabled": (
        {"identityBinding": {"enabled": True}},
        lambda o: {"name": "cluster-ca", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True}
        in container(o)["volumeMounts"]
        and {"name": "cluster-ca", "configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}
        in pod(o)["volumes"] and pod(o)["automountServiceAccountToken"] is False),
    "identityBinding.tokenProxyURL": ({"identityBinding": {"tokenProxyURL": "https://proxy.example:8443"}},
                                      lambda o: "--token-proxy-url=https://proxy.example:8443" in args(o)),
    "identityBinding.sniName": ({"identityBinding": {"sniName": "a1.ests.aks"}}, lambda o: "--sni-name=a1.ests.aks" in args(o)),
    "metrics.bindAddress": ({"metrics": {"bindAddress": "127.0.0.1"}},
                            lambda o: "--metrics-bind-address=127.0.0.1" in args(o)),
    "metrics.objectNames": ({"metrics": {"objectNames": True}}, lambda o: "--metrics-object-names=true" in args(o)),
    "extraCABundle.configMapName": (
        {"extraCABundle": {"configMapName": "corp-ca"}},
        lambda o: "--extra-ca-bundle=/etc/provider-azure/extra-ca/ca.crt" in args(o)
        and {"name": "extra-ca", "mountPath": "/etc/provider-azure/extra-ca", "readOnly": True} in container(o)["volumeMounts"]
        and {"name": "extra-ca", "configMap": {"name": "corp-ca", "items": [{"key": "ca.crt", "path": "ca.crt"}]}} in pod(o)["volumes"]),
    "extraCABundle.key": ({"extraCABundle": {"configMapName": "corp-ca", "key": "b.pem"}},
                          lambda o: "--extra-ca-bundle=/etc/provider-azure/extra-ca/b.pem" in args(o)),
    "proxy.httpsProxy": ({"proxy": {"httpsProxy": "http://p:3128"}}, lambda o: env(o) == {"HTTPS_PROXY": "http://p:3128"}),
    "proxy.httpProxy": ({"proxy": {"httpProxy": "http://p:3128"}}, lambda o: env(o) == {"HTTP_PROXY": "http://p:3128"}),
    "proxy.noProxy": ({"proxy": {"noProxy": "169.254.169.254"}}, lambda o: env(o) == {"NO_PROXY": "169.254.169.254"}),
    "metrics.port": ({"metrics": {"port": 9100}},
                     lambda o: "--prometheus-port=9100" in args(o) and container(o)["ports"][1]["containerPort"] == 9100),
    "metrics.serviceMonitor.enabled": (
        {"metrics": {"serviceMonitor": {"enabled": True}}},
        lambda o: kinds(o) == ["DaemonSet", "Service", "ServiceAccount", "ServiceMonitor"]
        and find(o, "Service")["spec"]["clusterIP"] == "None"
        and find(o, "Service")["spec"]["selector"] == {"app": "csi-secrets-store-provider-azure"}
        and find(o, "ServiceMonitor")["spec"]["endpoints"] == [{"port": "metrics", "path": "/metrics", "interval": "30s"}]),
    "metrics.serviceMonitor.interval": ({"metrics": {"serviceMonitor": {"interval": "1m"}}, "_also": MONITOR_ON},
                                        lambda o: find(o, "ServiceMonitor")["spec"]["endpoints"][0]["interval"] == "1m"),
    "metrics.serviceMonitor.labels": ({"metrics": {"serviceMonitor": {"labels": {"release": "prom"}}}, "_also": MONITOR_ON},
                                      lambda o: find(o, "ServiceMonitor")["metadata"]["labels"]["release"] == "prom"),
}


def documented():
    with open(values_doc.VALUES) as f:
        return [k for k, _ in values_doc.documented_keys(f.read())]


def test_every_documented_value_has_an_effect_test():
    assert sorted(documented()) == sorted(EFFECTS)


@pytest.mark.parametrize("key", [k for k, (v, _) in EFFECTS.items() if v is not None])
def test_value_changes_the_output_as_documented(chart, key):
    values, check = EFFECTS[key]
    values = dict(values)
    also = values.pop("_also", {})
    objs = render(chart, merge(also, values))
    baseline = render(chart, also)
    if check is None:
        assert objs == baseline, f"{key} is documented as having no effect"
        return
    assert objs != baseline, f"{key} changed nothing"
    assert check(objs), f"{key}: unexpected output"
    assert not holds(check, baseline), f"{key}: the check also passes without the value"


def holds(check, objs):
    try:
        return bool(check(objs))
    except (KeyError, IndexError, AssertionError):
        return False


def test_default_values_render_what_the_table_says(chart):
    """The defaults in values.yaml are the ones Helm uses (no template hides another default)."""
    merged = chart.merge_values({})
    assert merged["linux"]["providersDir"] == "/var/run/secrets-store-csi-providers"
    assert merged["secrets-store-csi-driver"]["tokenRequests"] == [{"audience": "api://AzureADTokenExchange"}]
    assert helm.values_from_yaml("a: 1") == {"a": 1}
