"""The object fields this provider adds to the Go provider's, through the real socket: values out of JSON
secrets (`jmesPath`), optional objects (`optional`), objects of other vaults (`keyvaultName`)."""
import json
import re

import grpc
import pytest
import requests

import fakeazure.seed as S
from conftest import fake_azure_flags
from driver_client import DriverClient, pod_attributes
from fakeazure import FakeAzure
from provider_process import free_port

CONFIG = {"username": "admin", "password": "hunter2-never-logged", "db": {"host": "db.internal", "port": 5432}}
SP = {"clientid": S.SP_CLIENT_ID, "clientsecret": S.SP_CLIENT_SECRET}
DISABLED_VERSION = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def vaults():
    """Two vaults of one cloud that the service principal may read, in fakes of their own."""
    def vault(name, secrets):
        return {"name": name, "access": ["sp"],
                "secrets": [{"name": n, "versions": v} for n, v in secrets.items()]}
    seed = {
        "tenant_id": S.TENANT_ID,
        "identities": {"sp": {"type": "application", "client_id": S.SP_CLIENT_ID,
                              "object_id": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d", "client_secret": S.SP_CLIENT_SECRET}},
        "vaults": [
            vault("kv-one", {"config": [{"value": json.dumps(CONFIG), "content_type": "application/json"}],
                             "present": [{"value": "present value"}],
                             "later": [{"version": DISABLED_VERSION, "value": "later value", "enabled": False}]}),
            vault("kv-two", {"config": [{"value": "from kv-two"}]}),
        ],
    }
    with FakeAzure.start(seed=seed) as fa:
        yield fa


@pytest.fixture
def client(vaults, start_provider):
    port = free_port()
    args, env = fake_azure_flags(vaults, f"--prometheus-port={port}", "--metrics-bind-address=127.0.0.1")
    vaults.reset()  # the fakes are the module's: each test starts with an empty request log
    provider = start_provider(*args, env=env)
    c = DriverClient(provider.socket_path)
    c.provider, c.metrics_port = provider, port
    yield c
    c.close()


def mount(client, objects, vault="kv-one", **kw):
    response = client.mount(pod_attributes({"keyvaultName": vault, "tenantID": S.TENANT_ID, "objects": objects}), SP,
                            **kw)
    return response, {f.path: (f.contents.decode(), oct(f.mode)) for f in response.files}


def test_jmes_path_values_are_written_beside_the_whole_secret(vaults, client):
    objects = """array:
  - |
    objectName: config
    objectType: secret
    jmesPath:
      - {path: username, objectAlias: db-user}
      - {path: db, objectAlias: db.json, filePermission: "0600"}
      - {path: db.port, objectAlias: db-port}
"""
    response, files = mount(client, objects)
    assert files == {"config": (json.dumps(CONFIG), "0o644"), "db-user": ("admin", "0o644"),
                     "db.json": ('{"host":"db.internal","port":5432}', "0o600"), "db-port": ("5432", "0o644")}
    assert [v.id for v in response.object_version] == ["secret/config"] * 4
    # One read for the whole secret and its values.
    assert len([r for r in vaults.requests("keyvault") if r["status"] == 200]) == 1


def test_a_jmes_path_selecting_nothing_fails_naming_object_and_path_never_the_value(vaults, client):
    objects = "array:\n  - |\n    objectName: config\n    objectType: secret\n" \
              "    jmesPath: [{path: db.user, objectAlias: user}]\n"
    with pytest.raises(grpc.RpcError) as error:
        mount(client, objects)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert re.fullmatch(r"failed to mount objects, error: failed to get objectType:secret, objectName:config, "
                        r"objectVersion:[0-9a-f]{32}: jmesPath db.user selects nothing in the secret's JSON",
                        error.value.details()), error.value.details()
    assert "hunter2" not in error.value.details() and "hunter2" not in client.provider.log()


def test_optional_objects_are_skipped_until_they_exist(vaults, client):
    """Missing (404) or with no enabled version, an optional object writes nothing and the mount succeeds, with a
    warning and a metric; once enabled, the next mount (a rotation poll) writes it."""
    objects = """array:
  - |
    objectName: present
    objectType: secret
  - |
    objectName: never-created
    objectType: secret
    optional: "true"
  - |
    objectName: later
    objectType: secret
    optional: "true"
"""
    response, files = mount(client, objects)
    assert files == {"present": ("present value", "0o644")}
    assert [v.id for v in response.object_version] == ["secret/present"]
    log = client.provider.log()
    assert len(re.findall(r"warning optional object not found: no file written object=secret/never-created", log)) == 1
    assert len(re.findall(r"warning optional object not found: no file written object=secret/later", log)) == 1
    metrics = requests.get(f"http://127.0.0.1:{client.metrics_port}/metrics", timeout=5).text
    assert "azure_provider_optional_objects_missing_total 2" in metrics

    vaults.set_enabled("kv-one", "secrets", "later", DISABLED_VERSION, True)
    held = {v.id: v.version for v in response.object_version}
    response, files = mount(client, objects, current_versions=held)
    assert files == {"present": ("present value", "0o644"), "later": ("later value", "0o644")}
    assert [(v.id, v.version) for v in response.object_version][1] == ("secret/later", DISABLED_VERSION)
    vaults.set_enabled("kv-one", "secrets", "later", DISABLED_VERSION, False)


def test_a_required_object_still_fails_the_mount(vaults, client):
    with pytest.raises(grpc.RpcError) as error:
        mount(client, "array:\n  - |\n    objectName: never-created\n    objectType: secret\n")
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_objects_of_another_vault_are_read_there_and_carry_the_vault(vaults, client):
    objects = """array:
  - |
    objectName: config
    objectType: secret
    keyvaultName: kv-two
    objectAlias: config-two
  - |
    objectName: present
    objectType: secret
"""
    response, files = mount(client, objects)
    assert files == {"config-two": ("from kv-two", "0o644"), "present": ("present value", "0o644")}
    assert [v.id for v in response.object_version] == ["secret/config@kv-two", "secret/present"]
    hosts = sorted(r["host"].split(":")[0] for r in vaults.requests("keyvault"))
    assert hosts == ["kv-one.vault.azure.net", "kv-two.vault.azure.net"]
    # One identity: one token for both vaults.
    assert len(vaults.requests("entra")) == 1


def test_an_invalid_object_vault_is_named(client):
    objects = "array:\n  - |\n    objectName: config\n    objectType: secret\n    keyvaultName: kv_two\n"
    with pytest.raises(grpc.RpcError) as error:
        mount(client, objects)
    assert (error.value.code(), error.value.details()) == (grpc.StatusCode.INVALID_ARGUMENT, (
        'failed to mount objects, error: objects[0] (objectName "config"): keyvaultName: failed to get vault: Invalid '
        'vault name: "kv_two", must match [-a-zA-Z0-9]{3,24}'))
