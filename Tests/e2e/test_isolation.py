"""Isolation (issue 14): identities never cross. Two identities mount the same class at the same time, one
granted by the vault and one not, while Key Vault is slow enough for their reads to overlap (the token cache
and any read shared across mounts must keep them apart): the denied one gets PERMISSION_DENIED and no file,
the allowed one its file. And the provider's socket refuses a user other than root."""
import concurrent.futures
import os
import stat
import subprocess

import grpc
import pytest

from driver_client import DriverClient
from fakeazure import seed as S
from reliability import PREFIX, RESTRICTED_SP, SP, class_attributes
from test_mount_auth import identity, sa_token_of

RESTRICTED_VALUE = b"only restricted-sp may read this"
NOBODY = 65534


def denied_message(client_id, object_id):
    return (f"{PREFIX}failed to get objectType:secret, objectName:restricted-secret, objectVersion:: status 403, code "
            f"Forbidden (AccessDenied): The user, group or application 'appid={client_id};oid={object_id};iss=https://sts.windows.net/"
            f"{S.TENANT_ID}/' does not have secrets get permission on key vault 'kv-restricted;location=westeurope'. "
            "For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287")


def run_together(jobs):
    """Runs every job (a callable) at once; ("ok", files) or (code, details) each, in order."""
    def one(job):
        try:
            return "ok", job()
        except grpc.RpcError as e:
            return e.code(), e.details()
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(one, jobs))


def restricted_mount(client, secrets, pod=None, extra=None):
    def job():
        response = client.mount(class_attributes("restricted-secret", vault="kv-restricted", pod=pod, extra=extra),
                                secrets, timeout=30)
        return [(f.path, f.contents) for f in response.files]
    return job


@pytest.mark.parametrize("order", ["allowed-first", "denied-first", "interleaved"])
def test_allowed_and_denied_service_principals_never_cross(fake_azure, azure_provider, order):
    """20 mounts of one class (kv-restricted/restricted-secret), half with restricted-sp (granted), half with
    sp (not granted), at once with 300 ms of Key Vault latency: every outcome is its own identity's."""
    client = DriverClient(azure_provider.socket_path)
    allowed, denied = restricted_mount(client, RESTRICTED_SP), restricted_mount(client, SP)
    jobs = {"allowed-first": [allowed] * 10 + [denied] * 10, "denied-first": [denied] * 10 + [allowed] * 10,
            "interleaved": [allowed, denied] * 10}[order]
    fake_azure.set_latency(300, server="keyvault")
    try:
        outcomes = run_together(jobs)
    finally:
        fake_azure.set_latency(0, server="keyvault")
        client.close()
    expected = {allowed: ("ok", [("restricted-secret", RESTRICTED_VALUE)]),
                denied: (grpc.StatusCode.PERMISSION_DENIED, denied_message(S.SP_CLIENT_ID, S.SP_OBJECT_ID))}
    assert outcomes == [expected[job] for job in jobs]
    # Each identity's own reads reached the vault: granted ones answered, refused ones refused.
    assert {r["status"] for r in fake_azure.requests("keyvault")} == {200, 403}


def test_a_workload_identity_pod_never_gets_another_pods_files(fake_azure, azure_provider):
    """Same class, same client id: the pod whose service account the federated credential names gets the
    file, a pod in another namespace (its token's subject does not match) gets UNAUTHENTICATED, concurrently."""
    client = DriverClient(azure_provider.socket_path)
    good = identity(fake_azure, "workload-identity")
    intruder = identity(fake_azure, "workload-identity", namespace="intruder-ns", pod_name="intruder")

    def wi_mount(ident):
        def job():
            response = client.mount(class_attributes("db-password", extra=ident.parameters, pod=ident.pod), None,
                                    timeout=30)
            return [(f.path, f.contents) for f in response.files]
        return job
    fake_azure.set_latency(300, server="entra")
    try:
        outcomes = run_together([wi_mount(good), wi_mount(intruder)] * 8)
    finally:
        fake_azure.set_latency(0, server="entra")
        client.close()
    assert [o[0] for o in outcomes] == ["ok", grpc.StatusCode.UNAUTHENTICATED] * 8
    assert {repr(o[1]) for o in outcomes[0::2]} == {repr([("db-password", b"s3cr3t-Pa55w0rd!")])}
    assert all("AADSTS700213" in o[1] and sa_token_of(intruder) not in o[1] for o in outcomes[1::2])


# ---- the socket ----------------------------------------------------------------------------------------

CONNECT = """
import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
    print("connected")
except OSError as e:
    print(e.errno)
"""


def connect_as(uid, path):
    """Connects to the socket from a child running as `uid` (setpriv drops the ids and groups); prints
    "connected" or the errno."""
    command = ["/usr/bin/python3", "-c", CONNECT, path]
    if uid != 0:
        command = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=10, check=True).stdout.strip()


def test_the_socket_refuses_a_user_other_than_root(azure_provider):
    """The socket is owner-only (srwx------, root): with its directory open to everyone (0755, like
    /var/run/secrets-store-csi-providers on a node), nobody (uid 65534) is refused (EACCES); root connects."""
    os.chmod(azure_provider.dir, 0o755)
    info = os.stat(azure_provider.socket_path)
    assert (stat.S_ISSOCK(info.st_mode), stat.S_IMODE(info.st_mode), info.st_uid) == (True, 0o700, 0)
    assert connect_as(NOBODY, azure_provider.socket_path) == "13"   # EACCES
    assert connect_as(0, azure_provider.socket_path) == "connected"
