"""Every `helm install` / `helm upgrade` command in the user guides and the chart README renders: its
`--set`, `--set-string` and `-f` arguments are parsed by Helm's own parser and rendered with the chart
(`--reuse-values` starts from the chart's defaults here). Values files named in the guides are the YAML block
the guide shows under a `# <name>` comment, or the Go values fixture for `my-go-values.yaml`."""
import os
import re
import shlex

import helm_python as helm
import pytest
import yaml

from chartlib import BASE_VALUES, CHART_DIR, ROOT, container, find, merge, objects

DOCS = [os.path.join(ROOT, "docs", n) for n in
        ("install-aks.md", "clouds-and-proxies.md", "migration.md")] + [os.path.join(CHART_DIR, "README.md"),
                                                                       os.path.join(ROOT, "README.md")]
GO_VALUES = os.path.join(os.path.dirname(__file__), "fixtures", "go-chart-values.yaml")


def values_files(text):
    files = {"my-go-values.yaml": open(GO_VALUES).read()}
    for m in re.finditer(r"```yaml\n# (?P<name>[\w.-]+\.yaml)\n(?P<body>.*?)```", text, re.S):
        files[m.group("name")] = m.group("body")
    return files


def commands():
    found = []
    for path in DOCS:
        with open(path) as f:
            text = f.read()
        files = values_files(text)
        for block in re.findall(r"```sh\n(.*?)```", text, re.S):
            joined = re.sub(r"\\\n\s*", " ", block)
            for line in joined.splitlines():
                line = line.split(" #", 1)[0].strip()
                if line.startswith(("helm install", "helm upgrade")):
                    found.append(pytest.param(line, files, id=f"{os.path.basename(path)}:{line[:60]}"))
    return found


def values_of(command, files):
    words = shlex.split(command)
    values = {}
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("--set", "--set-string", "-f", "--values"):
            arg = words[i + 1]
            if word == "--set":
                parsed = helm.parse_set_string(arg)
            elif word == "--set-string":
                parsed = helm.parse_set_string_values(arg)
            else:
                assert arg in files, f"values file {arg} is not shown in the guide"
                parsed = yaml.safe_load(files[arg])
            values = merge(values, parsed)
            i += 2
            continue
        i += 1
    assert "charts/csi-secrets-store-provider-azure" in words, command
    return values


def test_guides_have_helm_commands():
    assert len(commands()) >= 9


@pytest.mark.parametrize("command,files", commands())
def test_helm_command_renders(chart, command, files):
    values = values_of(command, files)
    if "linux" not in values or "repository" not in values.get("linux", {}).get("image", {}):
        # `--reuse-values` keeps the repository set by the first install.
        assert "--reuse-values" in command, f"{command} sets no linux.image.repository"
        values = merge({"linux": {"image": {"repository": BASE_VALUES["linux"]["image"]["repository"]}}}, values)
    objs = objects(chart.render(values, name="csi-secrets-store-provider-azure", namespace="kube-system",
                                is_install=True))
    ds = find(objs, "DaemonSet")
    assert container(objs)["image"].startswith(values["linux"]["image"]["repository"] + ":")
    assert ds["spec"]["template"]["spec"]["hostNetwork"] is True
    if "values-azure-stack.yaml" in command:
        mounts = container(objs)["volumeMounts"]
        assert {"name": "azurestack", "mountPath": "/etc/kubernetes/azurestackcloud.json", "readOnly": True} in mounts
        assert "--extra-ca-bundle=/etc/provider-azure/extra-ca/ca.crt" in container(objs)["args"]


def test_no_proxy_list_survives_set_string():
    (cmd,) = [p.values[0] for p in commands() if "proxy.noProxy" in p.values[0]]
    values = values_of(cmd, {})
    assert values["proxy"]["noProxy"] == "169.254.169.254,localhost,.svc,.cluster.local,10.0.0.0/8"
