"""Rotation (issue 14): what changes in Key Vault between two mounts (the driver's rotation poll is a mount)
shows in the next mount: a new version with its id, a disabled version gone from a history, a deleted object
NOT_FOUND while other classes keep mounting. A fake of its own, so the changes touch no other test."""
import concurrent.futures

import grpc
import pytest

from fakeazure import FakeAzure, seed as S
from reliability import PREFIX, NoRetryClient, class_attributes, start_azure_provider

ROT_V1 = "0f0e0d0c0b0a09080706050403020100"
HIST = ["a1000000000000000000000000000001", "a2000000000000000000000000000002", "a3000000000000000000000000000003"]
SEED = {
    "tenant_id": S.TENANT_ID,
    "identities": {"sp": {"type": "application", "client_id": S.SP_CLIENT_ID, "object_id": S.SP_OBJECT_ID,
                          "client_secret": S.SP_CLIENT_SECRET}},
    "vaults": [{"name": "kv-demo", "access": ["sp"], "secrets": [
        {"name": "rot-secret", "versions": [{"version": ROT_V1, "value": "rotation value 1", "created": 1735689600}]},
        {"name": "hist-secret", "versions": [{"version": v, "value": f"history value {i + 1}", "created": 1735689600 + i}
                                             for i, v in enumerate(HIST)]},
        {"name": "doomed-secret", "versions": [{"value": "soon deleted", "created": 1735689600}]},
        {"name": "steady-secret", "versions": [{"value": "steady value", "created": 1735689600}]},
    ]}],
}
SP = {"clientid": S.SP_CLIENT_ID, "clientsecret": S.SP_CLIENT_SECRET}


@pytest.fixture(scope="module")
def rotation():
    fa = FakeAzure.start(seed=SEED)
    process = start_azure_provider(fa)
    client = NoRetryClient(process.socket_path)
    yield fa, client
    client.close()
    process.stop()
    fa.stop()


def mount(client, *objects, current=None):
    response = client.mount(class_attributes(*objects), SP, current_versions=current)
    return ([(f.path, f.contents.decode()) for f in response.files],
            [(v.id, v.version) for v in response.object_version])


def test_a_new_version_is_returned_by_the_next_mount_with_its_id(rotation):
    fa, client = rotation
    files, versions = mount(client, "rot-secret")
    assert (files, versions) == ([("rot-secret", "rotation value 1")], [("secret/rot-secret", ROT_V1)])
    new = fa.add_version("kv-demo", "secrets", "rot-secret", "rotation value 2")
    # The driver's rotation poll sends the versions it holds; the provider must still read the new latest.
    assert mount(client, "rot-secret", current=dict(versions)) == (
        [("rot-secret", "rotation value 2")], [("secret/rot-secret", new)])


def test_a_disabled_version_disappears_from_a_history(rotation):
    fa, client = rotation
    history = {"objectName": "hist-secret", "objectType": "secret", "objectVersionHistory": 3}
    assert mount(client, history) == (
        [("hist-secret/0", "history value 3"), ("hist-secret/1", "history value 2"), ("hist-secret/2", "history value 1")],
        [("secret/hist-secret/0", HIST[2]), ("secret/hist-secret/1", HIST[1]), ("secret/hist-secret/2", HIST[0])])
    fa.set_enabled("kv-demo", "secrets", "hist-secret", HIST[1], False)
    try:
        assert mount(client, history) == (
            [("hist-secret/0", "history value 3"), ("hist-secret/1", "history value 1")],
            [("secret/hist-secret/0", HIST[2]), ("secret/hist-secret/1", HIST[0])])
    finally:
        fa.set_enabled("kv-demo", "secrets", "hist-secret", HIST[1], True)


def test_a_deleted_object_is_not_found_while_other_classes_keep_working(rotation):
    fa, client = rotation
    assert mount(client, "doomed-secret")[0] == [("doomed-secret", "soon deleted")]
    fa.delete_object("kv-demo", "secrets", "doomed-secret")

    def one(objects):
        try:
            return mount(client, *objects)[0]
        except grpc.RpcError as e:
            return e.code(), e.details()

    jobs = [("doomed-secret", "steady-secret"), ("steady-secret",), ("rot-secret", "steady-secret")] * 4
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        outcomes = list(pool.map(one, jobs))
    not_found = (grpc.StatusCode.NOT_FOUND, (
        f"{PREFIX}failed to get objectType:secret, objectName:doomed-secret, objectVersion:: status 404, code "
        "SecretNotFound: A secret with (name/id) doomed-secret was not found in this key vault. If you recently "
        "deleted this secret you may be able to recover it using the correct recovery command. For help resolving "
        "this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"))
    latest_rot = max(fa.store.vaults["kv-demo"].objects["secrets"]["rot-secret"].versions,
                     key=lambda v: v["created"])["value"]
    assert outcomes == [not_found, [("steady-secret", "steady value")],
                        [("rot-secret", latest_rot), ("steady-secret", "steady value")]] * 4
