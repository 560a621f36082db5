"""values.schema.json rejects wrong types and unknown top-level keys; the templates refuse values this chart
cannot honour, each with a message that says what to do."""
import helm_python as helm
import pytest

from chartlib import render

SCHEMA_REJECTS = [
    ({"logVerbosity": "2"}, "/logVerbosity", "want integer"),
    ({"logVerbosity": -1}, "/logVerbosity", "minimum"),
    ({"logFormatJSON": "true"}, "/logFormatJSON", "want boolean"),
    ({"linux": {"healthzPort": 0}}, "/linux/healthzPort", "minimum"),
    ({"linux": {"healthzPort": "8989"}}, "/linux/healthzPort", "want integer"),
    ({"linux": {"healthzPath": "healthz"}}, "/linux/healthzPath", "does not match pattern"),
    ({"linux": {"providersDir": "relative/dir"}}, "/linux/providersDir", "does not match pattern"),
    ({"linux": {"tolerations": {"operator": "Exists"}}}, "/linux/tolerations", "want array"),
    ({"linux": {"image": {"pullPolicy": "Sometimes"}}}, "/linux/image/pullPolicy", "value must be one of"),
    ({"linux": {"dnsPolicy": "ClusterFirstWithHostnet"}}, "/linux/dnsPolicy", "value must be one of"),
    ({"mountTimeout": "90"}, "/mountTimeout", "does not match pattern"),
    ({"cloudName": "AzureStackCloud"}, "/cloudName", "value must be one of"),
    ({"constructPEMChain": "false"}, "/constructPEMChain", "want boolean"),
    ({"metrics": {"port": 70000}}, "/metrics/port", "maximum"),
    ({"proxy": {"https_proxy": "http://p:1"}}, "/proxy", "additional properties 'https_proxy' not allowed"),
    ({"serviceAccount": {"create": "yes"}}, "/serviceAccount/create", "want boolean"),
    ({"secrets-store-csi-driver": {"install": "false"}}, "/secrets-store-csi-driver/install", "want boolean"),
    ({"secrets-store-csi-driver": {"tokenRequests": [{}]}}, "/secrets-store-csi-driver/tokenRequests/0", "missing property 'audience'"),
    ({"logVerbocity": 2}, "at ''", "additional properties 'logVerbocity' not allowed"),
    ({"image": {"repository": "x"}}, "at ''", "additional properties 'image' not allowed"),
]


@pytest.mark.parametrize("values,where,what", SCHEMA_REJECTS, ids=[w + " " + m for _, w, m in SCHEMA_REJECTS])
def test_schema_rejects(chart, values, where, what):
    with pytest.raises(helm.HelmValuesError) as err:
        render(chart, values)
    assert where in str(err.value) and what in str(err.value), str(err.value)


REFUSED = [
    ({"windows": {"enabled": True}}, "windows.enabled=true is not supported: this provider runs on Linux nodes only"),
    ({"enableArcExtension": True}, "enableArcExtension=true is not supported"),
    ({"Azure": {"proxySettings": {"isProxyEnabled": True}}}, "Azure.proxySettings.isProxyEnabled=true (the Go chart's Azure Arc proxy settings) is not supported: set proxy.httpsProxy"),
    ({"rbac": {"pspEnabled": True}}, "rbac.pspEnabled=true is not supported: PodSecurityPolicy was removed"),
    ({"linux": {"image": {"repository": ""}}}, "linux.image.repository is empty: build the image"),
    ({"linux": {"image": {"repository": "mcr.microsoft.com/oss/v2/azure/secrets-store/provider-azure"}}}, "is the Go provider's image"),
    ({"linux": {"image": {"repository": "mcr.microsoft.com/oss/azure/secrets-store/provider-azure"}}}, "is the Go provider's image"),
    ({"serviceAccount": {"name": ""}}, "serviceAccount.name is empty"),
    ({"secrets-store-csi-driver": {"install": True}, "linux": {"providersDir": "/etc/kubernetes/secrets-store-csi-providers"}},
     'secrets-store-csi-driver.linux.providersDir "/var/run/secrets-store-csi-providers" differs from linux.providersDir "/etc/kubernetes/secrets-store-csi-providers"'),
]


def test_providers_dir_may_differ_when_the_driver_is_installed_elsewhere(chart):
    render(chart, {"linux": {"providersDir": "/etc/kubernetes/secrets-store-csi-providers"}})


@pytest.mark.parametrize("values,message", REFUSED, ids=[m[:40] for _, m in REFUSED])
def test_refused_values_fail_with_a_clear_message(chart, values, message):
    with pytest.raises(helm.HelmRenderError) as err:
        render(chart, values)
    assert message in str(err.value), str(err.value)


def test_windows_refusal_applies_even_without_linux(chart):
    with pytest.raises(helm.HelmRenderError, match="windows.enabled=true is not supported"):
        render(chart, {"linux": {"enabled": False}, "windows": {"enabled": True}})


def test_own_image_whose_name_mentions_provider_azure_is_accepted(chart):
    render(chart, {"linux": {"image": {"repository": "acr.example/secrets-store/provider-azure-swift"}}})


def test_schema_accepts_go_durations_and_open_driver_values(chart):
    render(chart, {"mountTimeout": "1m30s", "linux": {"healthzTimeout": "500ms"},
                   "secrets-store-csi-driver": {"rotationPollInterval": "30s", "logVerbosity": 3}})
