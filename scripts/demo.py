#!/usr/bin/env python3
"""`make demo`: the provider's main job end to end, on this machine only.

Starts the local fake Azure services (Key Vault, Entra ID, IMDS, NMI behind a loopback proxy with a test CA),
starts the provider binary on a temporary Unix socket pointed at them the way a cluster behind an egress
proxy is configured, then does what the Secrets Store CSI Driver does: a Version call and a Mount of a
SecretProviderClass, writing the returned files with the driver's atomic layout. It shows the files, the
object versions and every request the provider made, mounts again as a rotation poll would, and ends with
a mount that fails, to show the error a pod's events would carry.
"""
import hashlib
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
E2E = os.path.join(HERE, "..", "Tests", "e2e")
sys.path[:0] = [os.path.join(E2E, "gen"), E2E]

import grpc  # noqa: E402

from driver_client import DriverClient, pod_attributes, write_atomically  # noqa: E402
from fakeazure import FakeAzure, seed  # noqa: E402
from provider_process import ProviderProcess, provider_binary  # noqa: E402

OBJECTS = """array:
  - |
    objectName: app-secret
    objectType: secret
  - |
    objectName: db-password
    objectType: secret
    objectAlias: config/db-password
    filePermission: "0600"
  - |
    objectName: rsa-key
    objectType: key
  - |
    objectName: selfsigned-cert
    objectType: cert
  - |
    objectName: chain-cert
    objectType: secret
    objectAlias: tls/chain.pem
  - |
    objectName: app-secret
    objectType: secret
    objectAlias: app-secret-history
    objectVersionHistory: 3
"""


def section(title):
    print(f"\n== {title}")


def show_requests(fake, since):
    for r in fake.requests()[since:]:
        print(f"   {r['server']:8} {r['method']:4} {r['status']} {r['host']}{r['path'].split('?')[0]}")


CLASS_YAML = """apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: demo
spec:
  provider: azure
  parameters:
    keyvaultName: kv-demo
    tenantID: "{tenant}"
    objects: |
{objects}"""


def workstation_mount(fake):
    """`mount -f class.yaml` with the service principal's secret in a file, pointed at the fakes like the provider."""
    work = tempfile.mkdtemp(prefix="demo-mount-cli-")
    class_file = os.path.join(work, "class.yaml")
    with open(class_file, "w") as f:
        f.write(CLASS_YAML.format(tenant=seed.TENANT_ID,
                                  objects="".join("      " + line + "\n" for line in OBJECTS.splitlines())))
    secret_file = os.path.join(work, "client-secret")
    with open(os.open(secret_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
        f.write(seed.SP_CLIENT_SECRET)
    command = ["mount", "-f", class_file, "--client-id", seed.SP_CLIENT_ID, "--client-secret-file", secret_file,
               f"--extra-ca-bundle={fake.ca_bundle}"]
    print(f"   HTTPS_PROXY={fake.proxy_url} secrets-store-csi-driver-provider-azure {' '.join(command)}")
    env = dict(os.environ, HTTPS_PROXY=fake.proxy_url, HTTP_PROXY=fake.proxy_url, NO_PROXY="")
    result = subprocess.run([provider_binary(), *command], capture_output=True, text=True, timeout=120, env=env)
    for line in (result.stderr + result.stdout).splitlines():  # log lines (stderr) came first
        print(f"   {line}")
    print(f"   exit status {result.returncode}")


def main():
    section("starting the local fake Azure services")
    with FakeAzure.start() as fake:
        print(f"   proxy {fake.proxy_url}, test CA {fake.ca_bundle}, vaults {', '.join(fake.vaults)}")
        provider = ProviderProcess(
            args=[f"--extra-ca-bundle={fake.ca_bundle}", f"--nmi-port={fake.nmi_port}"],
            env={"HTTPS_PROXY": fake.proxy_url, "HTTP_PROXY": fake.proxy_url, "NO_PROXY": ""})
        section(f"starting the provider on {provider.socket_path}")
        provider.start()
        client = DriverClient(provider.socket_path)
        try:
            version = client.version()
            print(f"   Version: {version.version} {version.runtime_name} {version.runtime_version}")

            section("Mount: SecretProviderClass 'demo' (service principal from nodePublishSecretRef)")
            parameters = {"keyvaultName": "kv-demo", "tenantID": seed.TENANT_ID, "objects": OBJECTS}
            secrets = {"clientid": seed.SP_CLIENT_ID, "clientsecret": seed.SP_CLIENT_SECRET}
            attributes = pod_attributes(parameters)
            started = time.monotonic()
            response = client.mount(attributes, secrets)
            elapsed = (time.monotonic() - started) * 1000
            target = tempfile.mkdtemp(prefix="demo-pod-volume-")
            write_atomically(target, response.files)
            print(f"   {len(response.files)} files in {elapsed:.0f} ms, written to {target}:")
            for f in response.files:
                first = f.contents.split(b"\n", 1)[0][:48].decode("utf-8", "replace")
                print(f"   {oct(f.mode)[2:]:>4} {len(f.contents):6} B  {f.path:28} sha256:{hashlib.sha256(f.contents).hexdigest()[:12]}  {first}")
            print("   object versions:")
            for v in response.object_version:
                print(f"     {v.id:32} {v.version}")
            print("   requests the provider made:")
            show_requests(fake, 0)

            section("Mount again, as the driver's rotation poll does (token cached, one Key Vault read per version)")
            before = len(fake.requests())
            started = time.monotonic()
            client.mount(attributes, secrets, current_versions={v.id: v.version for v in response.object_version})
            print(f"   {(time.monotonic() - started) * 1000:.0f} ms, {len(fake.requests()) - before} requests:")
            show_requests(fake, before)

            section("Mount of an object that does not exist: the error the pod's events show")
            broken = dict(parameters, objects="array:\n  - |\n    objectName: no-such-secret\n    objectType: secret\n")
            try:
                client.mount(pod_attributes(broken), secrets)
            except grpc.RpcError as error:
                print(f"   {error.code().name}: {error.details()[:400]}")
        finally:
            client.close()
            code = provider.stop()
            section(f"provider stopped with SIGTERM, exit code {code}")

        section("`mount` from a workstation: the same class from its YAML file, the same pipeline, no values shown")
        workstation_mount(fake)
    return 0


if __name__ == "__main__":
    sys.exit(main())
