#!/usr/bin/env python3
"""The image's runtime stage, proven without a container engine: runs the release binary inside the root
filesystem build-rootfs.sh made (read-only, no capabilities, see run_in_root.py), with exactly the
container arguments of deploy/provider-azure-installer.yaml, against the local fake Azure services, and
does what the driver and kubelet do: GET /healthz, Version, a Mount of secrets, a key, and certificates
from legacy and modern PKCS#12 (libcrypto and its legacy provider from the root), then SIGTERM.

usage: check_runtime_root.py ROOT   (run with the e2e venv's python, as root)
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
E2E = os.path.join(REPO, "Tests", "e2e")
sys.path[:0] = [os.path.join(E2E, "gen"), E2E]

from driver_client import DriverClient, pod_attributes  # noqa: E402
from fakeazure import FakeAzure, seed  # noqa: E402

BINARY_IN_ROOT = "/usr/local/bin/secrets-store-csi-driver-provider-azure"
OBJECTS = """array:
  - |
    objectName: app-secret
    objectType: secret
  - |
    objectName: rsa-key
    objectType: key
  - |
    objectName: selfsigned-cert
    objectType: cert
  - |
    objectName: chain-cert
    objectType: secret
    objectAlias: chain-legacy.pem
  - |
    objectName: chain-cert-modern
    objectType: secret
    objectAlias: chain-modern.pem
"""


def fail(message):
    sys.exit(f"runtime-root check FAILED: {message}")


def manifest_args():
    """The provider container's arguments as the static manifest (the chart's defaults) renders them."""
    with open(os.path.join(REPO, "deploy", "provider-azure-installer.yaml")) as f:
        for doc in yaml.safe_load_all(f):
            if doc and doc["kind"] == "DaemonSet":
                (container,) = doc["spec"]["template"]["spec"]["containers"]
                return container["args"]
    fail("deploy/provider-azure-installer.yaml has no DaemonSet")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid):
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def root_mount_options(pid):
    with open(f"/proc/{pid}/mountinfo") as f:
        for line in f:
            fields = line.split()
            if fields[4] == "/":
                return fields[5].split(",")
    fail("the provider's mount namespace has no / mount")


def wait_for(what, predicate, seconds, process):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            fail(f"the provider exited with {process.returncode} before {what}")
        if predicate():
            return
        time.sleep(0.1)
    fail(f"no {what} after {seconds} s")


def healthz(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as answer:
            return answer.status == 200 and answer.read() == b"ok"
    except OSError:
        return False


def main(argv):
    if len(argv) != 1:
        sys.exit(__doc__)
    root = os.path.abspath(argv[0])
    args = manifest_args()
    healthz_port = free_port()
    healthz_path = next(a.split("=", 1)[1] for a in args if a.startswith("--healthz-path="))
    providers_dir = tempfile.mkdtemp(prefix="providers-")
    with FakeAzure.start() as fake:
        # Only what a values file would change: the healthz port (8989 may be taken on this machine), the
        # extra CA bundle as extraCABundle.configMapName mounts it, and the fake NMI's port.
        args = [a for a in args if not a.startswith(("--healthz-port=", "--nmi-port="))] + [
            f"--healthz-port={healthz_port}", f"--nmi-port={fake.nmi_port}",
            "--extra-ca-bundle=/etc/provider-azure/extra-ca/ca.crt"]
        env = {"HTTPS_PROXY": fake.proxy_url, "HTTP_PROXY": fake.proxy_url, "NO_PROXY": ""}
        command = ["unshare", "--mount", "--propagation", "private",
                   sys.executable, os.path.join(HERE, "run_in_root.py"), root, providers_dir, fake.ca_bundle,
                   "--", BINARY_IN_ROOT, *args]
        print("  provider args:", " ".join(args))
        process = subprocess.Popen(command, env=env)
        client = None
        try:
            socket_path = os.path.join(providers_dir, "azure.sock")
            wait_for("azure.sock", lambda: os.path.exists(socket_path), 30, process)
            wait_for("200 ok from /healthz", lambda: healthz(healthz_port, healthz_path), 30, process)
            print(f"  GET {healthz_path}: 200 ok (a gRPC health check over the socket, from inside the root)")

            status = proc_status(process.pid)
            for field in ("CapEff", "CapPrm", "CapInh", "CapBnd", "CapAmb"):
                if int(status[field], 16) != 0:
                    fail(f"{field} is {status[field]}, expected no capabilities")
            if status["NoNewPrivs"] != "1":
                fail("no_new_privs is not set")
            if "ro" not in root_mount_options(process.pid):
                fail("the provider's root filesystem is not read-only")
            if os.readlink(f"/proc/{process.pid}/root") != root:
                fail(f"the provider does not run chrooted in {root}")
            print(f"  uid {status['Uid'].split()[0]}, CapEff/CapBnd 0, NoNewPrivs 1, root {root} read-only")

            rss_idle = status["VmRSS"].strip()
            client = DriverClient(socket_path)
            version = client.version()
            if version.runtime_name != "secrets-store-csi-driver-provider-azure-swift":
                fail(f"unexpected Version answer {version}")
            print(f"  Version: {version.version} {version.runtime_name} {version.runtime_version}")

            parameters = {"keyvaultName": "kv-demo", "tenantID": seed.TENANT_ID, "objects": OBJECTS}
            secrets = {"clientid": seed.SP_CLIENT_ID, "clientsecret": seed.SP_CLIENT_SECRET}
            response = client.mount(pod_attributes(parameters), secrets)
            files = {f.path: f.contents for f in response.files}
            expected = {"app-secret", "rsa-key", "selfsigned-cert", "chain-legacy.pem", "chain-modern.pem"}
            if set(files) != expected:
                fail(f"mounted files {sorted(files)}, expected {sorted(expected)}")
            if not files["rsa-key"].startswith(b"-----BEGIN PUBLIC KEY-----"):
                fail("rsa-key is not a PEM public key")
            for name in ("chain-legacy.pem", "chain-modern.pem"):
                pem = files[name]
                if not pem.startswith(b"-----BEGIN PRIVATE KEY-----") or pem.count(b"-----BEGIN CERTIFICATE-----") != 3:
                    fail(f"{name} is not a private key followed by a 3-certificate chain")
            print(f"  Mount: {len(files)} files, {len(response.object_version)} object versions "
                  "(secret, key, cert, legacy and modern PKCS#12 through the root's libcrypto)")
            after = proc_status(process.pid)
            print(f"  memory: RSS {rss_idle} after start, {after['VmRSS'].strip()} after the mount "
                  f"(peak {after['VmHWM'].strip()}); the chart requests 64Mi, limit 160Mi")
            hosts = {r["host"] for r in fake.requests()}
            print(f"  requests went through the proxy to: {', '.join(sorted(hosts))}")
        finally:
            if client:
                client.close()
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    process.kill()
                    fail("the provider did not stop within 40 s of SIGTERM")
            shutil.rmtree(providers_dir, ignore_errors=True)
    if process.returncode != 0:
        fail(f"the provider exited with {process.returncode} after SIGTERM")
    print("  SIGTERM: exit 0")
    print("runtime-root check passed")


if __name__ == "__main__":
    main(sys.argv[1:])
