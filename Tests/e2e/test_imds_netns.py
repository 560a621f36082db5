"""VM managed identity the way a node reaches IMDS: no proxy, 169.254.169.254:80 on the node's own network.

The test makes a network namespace shaped like a node (loopback up, 169.254.169.254/32 on it), serves the
fake IMDS on 169.254.169.254:80 and a proxy on 127.0.0.1 inside it, and runs the provider there with the
egress proxy configured for HTTPS and 169.254.169.254 in NO_PROXY, as an AKS node behind a proxy is set up.
The provider must reach IMDS directly (the fake sees the request arrive on 169.254.169.254:80 and the proxy
never sees it) and Key Vault through the proxy. The proxied variant (IMDS reached through the proxy by its
absolute URI) is in test_mount_auth.py.

Needs root and iproute2 (`ip`); without them the tests fail, they do not skip.
"""
import os
import shutil
import subprocess

import pytest

from driver_client import DriverClient, pod_attributes
from fakeazure import seed as S

IMDS_ADDRESS = "169.254.169.254"
NETNS = f"fakeazure-node-{os.getpid()}"
OBJECTS = "array:\n  - |\n    objectName: db-password\n    objectType: secret\n"


def ip(*args):
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True, timeout=30)


@pytest.fixture(scope="module")
def node_netns():
    """The namespace's name; deleted afterwards (the fakes' sockets keep it alive until they close)."""
    assert shutil.which("ip"), "iproute2 is required for the IMDS tests: apt-get install iproute2"
    assert os.geteuid() == 0, "the IMDS tests create a network namespace: run them as root"
    ip("netns", "add", NETNS)
    try:
        ip("-n", NETNS, "link", "set", "lo", "up")
        ip("-n", NETNS, "addr", "add", f"{IMDS_ADDRESS}/32", "dev", "lo")
        yield NETNS
    finally:
        ip("netns", "delete", NETNS)


@pytest.fixture(scope="module")
def node_network(fake_azure, node_netns):
    """The fake IMDS and the egress proxy inside the namespace (sharing the session fakes' state)."""
    return fake_azure.serve_in_netns(f"/run/netns/{node_netns}")


@pytest.fixture
def node_client(fake_azure, node_netns, node_network, start_provider):
    env = {"HTTPS_PROXY": node_network.proxy_url, "HTTP_PROXY": node_network.proxy_url, "NO_PROXY": IMDS_ADDRESS}
    provider = start_provider(f"--extra-ca-bundle={fake_azure.ca_bundle}", env=env, netns=node_netns)
    client = DriverClient(provider.socket_path)
    yield client
    client.close()


@pytest.mark.parametrize("parameters, query", [
    ({}, ""),
    ({"userAssignedIdentityID": S.USER_MI_CLIENT_ID}, f"&client_id={S.USER_MI_CLIENT_ID}"),
], ids=["system-assigned", "user-assigned"])
def test_vm_managed_identity_reaches_imds_directly(fake_azure, node_network, node_client, parameters, query):
    """One IMDS request, arriving on 169.254.169.254:80 with `Metadata: true` and no X-Forwarded-For; the
    proxy carried only the Key Vault tunnel, and Key Vault accepted the IMDS token at once."""
    tunnels_before = len(node_network.proxy.connections)
    attributes = pod_attributes({"keyvaultName": "kv-demo", "tenantID": S.TENANT_ID, "objects": OBJECTS,
                                 "useVMManagedIdentity": "true", **parameters})
    response = node_client.mount(attributes, None)
    assert [(f.path, f.contents) for f in response.files] == [("db-password", b"s3cr3t-Pa55w0rd!")]
    (imds,) = fake_azure.requests("imds")
    assert (imds["local"], imds["host"], imds["status"]) == (f"{IMDS_ADDRESS}:80", IMDS_ADDRESS, 200)
    assert imds["path"] == ("/metadata/identity/oauth2/token?api-version=2018-02-01"
                            f"&resource=https://vault.azure.net{query}")
    assert imds["headers"]["metadata"] == "true" and "x-forwarded-for" not in imds["headers"]
    assert node_network.proxy.connections[tunnels_before:] == [("kv-demo.vault.azure.net", 443, True)]
    assert [r["status"] for r in fake_azure.requests("keyvault")] == [200]
