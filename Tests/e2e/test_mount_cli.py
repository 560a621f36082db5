"""`mount` from a workstation: the real binary, one mount through the provider's own pipeline, against the local
fakes reached the way a cluster behind an egress proxy reaches Azure (HTTPS_PROXY, an extra CA; no test switch).

What is checked: the files and the driver's atomic layout with --out (and that a second run swaps it whole), the
table (ids and versions, no values), --dry-run (its requests are the ones a real mount makes, and none is sent),
the errors a pod's events would show with their hints (403, 404, missing token), unusable input (exit 2), and
that no secret value, token or client secret is ever printed.
"""
import json
import os
import re
import stat
import subprocess
import textwrap

import grpc
import pytest

from conftest import fake_azure_flags
from driver_client import pod_attributes
from fakeazure import seed as S
from provider_process import provider_binary

PREFIX = "failed to mount objects, error: "
VERSIONS = {  # from the default seed
    "app-secret": "2298825ff3ebcc9c4013995b47ca7ce8",
    "app-secret-older": "b148dc0ac2e6f06d168407b51e3c5c9f",  # v4; v3 is disabled
    "db-password": "f11d658e32982b50332d2899551a58ec",
}
OBJECTS = """array:
  - |
    objectName: db-password
    objectType: secret
    objectAlias: config/db-password
    filePermission: "0600"
  - |
    objectName: app-secret
    objectType: secret
  - |
    objectName: app-secret
    objectType: secret
    objectAlias: history
    objectVersionHistory: 2
"""
VALUES = {"config/db-password": b"s3cr3t-Pa55w0rd!", "app-secret": b"app-secret value v5",
          "history/0": b"app-secret value v5", "history/1": b"app-secret value v4"}
MODES = {"config/db-password": 0o600, "app-secret": 0o644, "history/0": 0o644, "history/1": 0o644}
NEVER_PRINTED = [S.SP_CLIENT_SECRET, "s3cr3t-Pa55w0rd!", "app-secret value", "only restricted-sp may read this"]


def class_yaml(name="app-secrets", vault="kv-demo", objects=OBJECTS, **parameters):
    """A SecretProviderClass as users apply it, after a Deployment in the same file."""
    extra = "".join(f'    {k}: "{v}"\n' for k, v in parameters.items())
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
---
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: {name}
spec:
  provider: azure
  parameters:
    keyvaultName: {vault}
    tenantID: "{S.TENANT_ID}"
{extra}    objects: |
{textwrap.indent(objects, "      ")}"""


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "secret").write_text(S.SP_CLIENT_SECRET + "\n")
    return tmp_path


def write_class(workdir, text, name="class.yaml"):
    path = workdir / name
    path.write_text(text)
    return str(path)


def run_mount(fa, *args, stdin=None, service_principal=None, workdir=None):
    """Runs `mount` pointed at the fakes; `service_principal` = the directory holding its secret file."""
    flags, env = fake_azure_flags(fa)
    identity = []
    if service_principal is not None:
        identity = ["--client-id", S.SP_CLIENT_ID, "--client-secret-file", str(service_principal / "secret")]
    result = subprocess.run([provider_binary(), "mount", *args, *identity, *flags], input=stdin,
                            capture_output=True, text=True, timeout=60, env=dict(os.environ, **env))
    for text in NEVER_PRINTED:
        assert text not in result.stdout and text not in result.stderr, text
    return result


def table_rows(stdout):
    """The table's rows as dicts (the header line names the columns)."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("PATH "))
    rows = []
    for line in lines[start + 1:]:
        cells = line.split()
        if len(cells) != 5:
            break
        rows.append(dict(zip(["path", "mode", "size", "id", "version"], cells)))
    return rows


def layout(target):
    """{path: (bytes, mode)} read through the top-level links, plus the ..data target."""
    files = {}
    for root, _, names in os.walk(os.path.join(target, "..data"), followlinks=True):
        for name in names:
            full = os.path.join(root, name)
            rel = os.path.relpath(full, os.path.join(target, "..data"))
            with open(os.path.join(target, rel), "rb") as f:  # through the top-level link
                files[rel] = (f.read(), stat.S_IMODE(os.stat(full).st_mode))
    return files, os.readlink(os.path.join(target, "..data"))


def test_out_writes_the_drivers_atomic_layout_and_a_second_run_replaces_it(fake_azure, workdir):
    path = write_class(workdir, class_yaml())
    target = str(workdir / "volume")
    first = run_mount(fake_azure, "-f", path, "--out", target, service_principal=workdir)
    assert first.returncode == 0, first.stderr
    files, data = layout(target)
    assert files == {p: (VALUES[p], MODES[p]) for p in VALUES}
    assert re.fullmatch(r"\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+", data)
    assert stat.S_IMODE(os.stat(os.path.join(target, data)).st_mode) == 0o755
    assert sorted(os.listdir(target)) == sorted(["..data", data, "config", "app-secret", "history"])
    for top in ("config", "app-secret", "history"):
        assert os.readlink(os.path.join(target, top)) == f"..data/{top}"
    assert f"written to {target} (..data -> {data})" in first.stdout

    second = run_mount(fake_azure, "-f", path, "--out", target, service_principal=workdir)
    assert second.returncode == 0, second.stderr
    files_again, data_again = layout(target)
    assert files_again == files
    assert data_again != data
    assert sorted(os.listdir(target)) == sorted(["..data", data_again, "config", "app-secret", "history"])


def test_out_refuses_a_directory_holding_other_files(fake_azure, workdir):
    target = workdir / "volume"
    target.mkdir()
    (target / "app-secret").write_text("mine")
    result = run_mount(fake_azure, "-f", write_class(workdir, class_yaml()), "--out", str(target),
                       service_principal=workdir)
    assert result.returncode == 2
    assert "app-secret exists and is not a link to ..data/app-secret" in result.stderr
    assert (target / "app-secret").read_text() == "mine"


def test_the_table_shows_ids_and_versions_never_values(fake_azure, workdir):
    result = run_mount(fake_azure, "-f", write_class(workdir, class_yaml()), service_principal=workdir)
    assert result.returncode == 0, result.stderr
    assert table_rows(result.stdout) == [
        {"path": "config/db-password", "mode": "0600", "size": "16", "id": "secret/db-password",
         "version": VERSIONS["db-password"]},
        {"path": "app-secret", "mode": "0644", "size": "19", "id": "secret/app-secret",
         "version": VERSIONS["app-secret"]},
        {"path": "history/0", "mode": "0644", "size": "19", "id": "secret/app-secret/0",
         "version": VERSIONS["app-secret"]},
        {"path": "history/1", "mode": "0644", "size": "19", "id": "secret/app-secret/1",
         "version": VERSIONS["app-secret-older"]},
    ]
    assert "4 files, 73 bytes" in result.stdout
    assert not os.path.exists(workdir / "volume")


def test_the_class_can_come_from_stdin(fake_azure, workdir):
    result = run_mount(fake_azure, "-f", "-", stdin=class_yaml(), service_principal=workdir)
    assert result.returncode == 0, result.stderr
    assert [row["path"] for row in table_rows(result.stdout)] == list(VALUES)


def test_dry_run_sends_nothing_and_names_the_requests_a_mount_makes(fake_azure, workdir):
    path = write_class(workdir, class_yaml())
    fake_azure.clear_requests()
    dry = run_mount(fake_azure, "-f", path, "--dry-run", service_principal=workdir)
    assert dry.returncode == 0, dry.stderr
    assert fake_azure.requests() == []
    planned = re.findall(r"^  (GET|POST) (\S+)", dry.stdout, re.M)
    assert planned[0] == ("POST", f"https://login.microsoftonline.com/{S.TENANT_ID}/oauth2/v2.0/token")
    assert "identity: service principal, client id " + S.SP_CLIENT_ID in dry.stdout
    assert "3 objects valid" in dry.stdout

    # The plan is what a real mount of the same class sends (history reads are by version, planned as <version>).
    mounted = run_mount(fake_azure, "-f", path, service_principal=workdir)
    assert mounted.returncode == 0, mounted.stderr
    sent = {(r["method"], f"https://{r['host']}{r['path']}") for r in fake_azure.requests()
            if r["server"] in ("entra", "keyvault")}
    history_reads = {url for method, url in sent if "/secrets/app-secret/" in url and "versions" not in url
                     and not url.split("?")[0].endswith("/app-secret/")}
    for method, url in planned:
        if "<version>" in url:
            # The newest version is also the latest the class mounts: the mount reads it once, as "latest".
            assert history_reads == {url.replace("<version>", VERSIONS["app-secret-older"])}
        else:
            assert (method, url) in sent, (method, url, sent)


def test_dry_run_reports_an_invalid_class_as_the_mount_would(fake_azure, workdir):
    fake_azure.clear_requests()
    bad = class_yaml(objects="array:\n  - |\n    objectName: x\n    objectType: secrets\n")
    result = run_mount(fake_azure, "-f", write_class(workdir, bad), "--dry-run", service_principal=workdir)
    assert result.returncode == 1
    assert result.stderr.startswith(
        PREFIX + 'objects[0] (objectName "x"): objectType "secrets" is not valid, accepted values are secret, key, cert')
    assert fake_azure.requests() == []


def test_forbidden_shows_the_pods_error_and_names_the_role(fake_azure, workdir, start_provider):
    objects = "array:\n  - |\n    objectName: restricted-secret\n    objectType: secret\n"
    text = class_yaml(vault="kv-restricted", objects=objects)
    result = run_mount(fake_azure, "-f", write_class(workdir, text), service_principal=workdir)
    assert result.returncode == 1
    error, hint = result.stderr.splitlines()[-2:]
    assert error.startswith(PREFIX + "failed to get objectType:secret, objectName:restricted-secret, objectVersion:: "
                            "status 403, code Forbidden (AccessDenied): ")
    assert hint == ('hint: the identity lacks get permission on secrets in this vault: grant it the RBAC role '
                    '"Key Vault Secrets User" on the vault, or get on secrets in the vault\'s access policy')
    assert result.stdout == ""

    # The same text the driver gets from the provider for that pod (and puts into the pod's events).
    args, env = fake_azure_flags(fake_azure)
    provider = start_provider(*args, env=env)
    from driver_client import DriverClient
    client = DriverClient(provider.socket_path)
    try:
        attributes = pod_attributes({"keyvaultName": "kv-restricted", "tenantID": S.TENANT_ID, "objects": objects})
        with pytest.raises(grpc.RpcError) as served:
            client.mount(attributes, {"clientid": S.SP_CLIENT_ID, "clientsecret": S.SP_CLIENT_SECRET})
    finally:
        client.close()
    assert served.value.details() == error


def test_not_found_shows_the_pods_error_and_a_hint(fake_azure, workdir):
    objects = "array:\n  - |\n    objectName: no-such-secret\n    objectType: secret\n"
    result = run_mount(fake_azure, "-f", write_class(workdir, class_yaml(objects=objects)), service_principal=workdir)
    assert result.returncode == 1
    error, hint = result.stderr.splitlines()[-2:]
    assert error.startswith(PREFIX + "failed to get objectType:secret, objectName:no-such-secret, objectVersion:: "
                            "status 404, code SecretNotFound: A secret with (name/id) no-such-secret was not found")
    assert hint.startswith("hint: check objectName, objectType and objectVersion against the vault")


def test_workload_identity_with_a_token_file(fake_azure, workdir):
    token = fake_azure.mint_service_account_token(S.WORKLOAD_NAMESPACE, S.WORKLOAD_SERVICE_ACCOUNT)
    (workdir / "token").write_text(token + "\n")
    path = write_class(workdir, class_yaml(clientID=S.WORKLOAD_CLIENT_ID))
    result = run_mount(fake_azure, "-f", path, "--service-account-token", str(workdir / "token"))
    assert result.returncode == 0, result.stderr
    assert [row["id"] for row in table_rows(result.stdout)][:2] == ["secret/db-password", "secret/app-secret"]
    assert token not in result.stdout + result.stderr
    assert token.split(".")[1] not in result.stdout + result.stderr
    token_posts = [r for r in fake_azure.requests() if r["server"] == "entra" and r["method"] == "POST"]
    assert [r["status"] for r in token_posts] == [200]


def test_workload_identity_without_a_token_asks_for_one(fake_azure, workdir):
    fake_azure.clear_requests()
    result = run_mount(fake_azure, "-f", write_class(workdir, class_yaml(clientID=S.WORKLOAD_CLIENT_ID)))
    assert result.returncode == 1
    error, hint = result.stderr.splitlines()[-2:]
    assert error.startswith(PREFIX + "csi.storage.k8s.io/serviceAccount.tokens: service account tokens not found")
    assert hint.startswith("hint: this class uses workload identity (clientID is set): pass --service-account-token "
                           "FILE with a token for audience api://AzureADTokenExchange")
    assert fake_azure.requests() == []


def test_a_missing_class_file_is_unusable_input(fake_azure, workdir):
    fake_azure.clear_requests()
    missing = str(workdir / "no-such-class.yaml")
    result = run_mount(fake_azure, "-f", missing, service_principal=workdir)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"mount: {missing}: cannot read the file (missing or not readable)\n"
    assert fake_azure.requests() == []


def test_several_classes_need_class(fake_azure, workdir):
    text = class_yaml(name="one") + "\n---\n" + class_yaml(name="two").split("---\n", 1)[1]
    path = write_class(workdir, text)
    ambiguous = run_mount(fake_azure, "-f", path, "--dry-run", service_principal=workdir)
    assert ambiguous.returncode == 2
    assert 'found ("one", "two"); choose one with --class NAME' in ambiguous.stderr
    chosen = run_mount(fake_azure, "-f", path, "--class", "two", "--dry-run", service_principal=workdir)
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.startswith("SecretProviderClass two: vault kv-demo (AzurePublicCloud)")


def test_help_lists_the_flags(fake_azure):
    result = subprocess.run([provider_binary(), "mount", "--help"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    for flag in ("--file", "--class", "--pod-name", "--namespace", "--service-account-token", "--client-id",
                 "--client-secret-file", "--out", "--dry-run", "--extra-ca-bundle", "--cloud-name", "--nmi-port",
                 "--mount-timeout", "--construct-pem-chain", "--write-cert-and-key-in-separate-files",
                 "--custom-user-agent"):
        assert flag in result.stdout, flag
