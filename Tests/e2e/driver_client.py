"""A client that talks to the provider exactly as the Secrets Store CSI Driver does.

It dials `unix:<path>` with authority `localhost`, plaintext, waitForReady and the driver's retry policy,
sends MountRequests whose fields are JSON strings built the way the driver builds them, and can write
the returned files with the driver's atomic-writer layout (`..data` symlink, one top-level link per entry).
"""
import json
import os
import time

import grpc

import service_pb2
import service_pb2_grpc

# The driver's service config (pkg/secrets-store/provider_client.go): wait for the socket, retry UNAVAILABLE.
SERVICE_CONFIG = json.dumps({
    "methodConfig": [{
        "name": [{"service": "v1alpha1.CSIDriverProvider"}],
        "waitForReady": True,
        "retryPolicy": {
            "maxAttempts": 3,
            "initialBackoff": "1s",
            "maxBackoff": "10s",
            "backoffMultiplier": 1.1,
            "retryableStatusCodes": ["UNAVAILABLE"],
        },
    }]
})
MAX_RECEIVE_BYTES = 4 * 1024 * 1024


def open_channel(socket_path):
    return grpc.insecure_channel(
        "unix:" + socket_path,
        options=[
            ("grpc.default_authority", "localhost"),
            ("grpc.service_config", SERVICE_CONFIG),
            ("grpc.enable_retries", 1),
            ("grpc.max_receive_message_length", MAX_RECEIVE_BYTES),
        ],
    )


class DriverClient:
    def __init__(self, socket_path):
        self.channel = open_channel(socket_path)
        self.stub = service_pb2_grpc.CSIDriverProviderStub(self.channel)

    def close(self):
        self.channel.close()

    def version(self, timeout=5):
        return self.stub.Version(service_pb2.VersionRequest(version="v1alpha1"), timeout=timeout)

    def mount(self, attributes, secrets=None, permission=0o644, current_versions=None, target_path="/tmp/target",
              timeout=60, raw_attributes=None, raw_secrets=None, raw_permission=None):
        """attributes/secrets are dicts, serialised like the driver (json.Marshal of map[string]string;
        a nil secrets map marshals to `null`). The raw_* arguments send a field verbatim."""
        request = service_pb2.MountRequest(
            attributes=raw_attributes if raw_attributes is not None else json.dumps(attributes),
            secrets=raw_secrets if raw_secrets is not None else json.dumps(secrets),
            permission=raw_permission if raw_permission is not None else json.dumps(permission),
            target_path=target_path,
            current_object_version=[
                service_pb2.ObjectVersion(id=k, version=v) for k, v in (current_versions or {}).items()
            ],
        )
        return self.stub.Mount(request, timeout=timeout)


def pod_attributes(parameters, pod_name="demo-pod", namespace="default", service_account="default",
                   pod_uid="6c1e2b9a-0000-4000-8000-000000000001", tokens=None):
    """The attributes the driver sends: the class parameters overlaid by the volume context."""
    attributes = dict(parameters)
    attributes.update({
        "csi.storage.k8s.io/pod.name": pod_name,
        "csi.storage.k8s.io/pod.namespace": namespace,
        "csi.storage.k8s.io/pod.uid": pod_uid,
        "csi.storage.k8s.io/serviceAccount.name": service_account,
        "csi.storage.k8s.io/ephemeral": "true",
        "secretProviderClass": "azure-kv",
    })
    if tokens is not None:
        attributes["csi.storage.k8s.io/serviceAccount.tokens"] = json.dumps(tokens)
    return attributes


def validate_path(path):
    """The driver's checks before it writes a file (pkg/util/fileutil)."""
    if not path or os.path.isabs(path):
        raise ValueError(f"invalid path {path!r}")
    if os.path.normpath(path) != path:
        raise ValueError(f"path {path!r} is not clean")
    parts = path.split("/")
    if ".." in parts or parts[0].startswith(".."):
        raise ValueError(f"path {path!r} has a .. element")
    if any(len(p.encode()) > 255 for p in parts) or len(path.encode()) > 4096:
        raise ValueError(f"path {path!r} is too long")


def write_atomically(target_dir, files):
    """Writes MountResponse files the way the driver's atomic writer does."""
    os.makedirs(target_dir, exist_ok=True)
    stamp = time.strftime("%Y_%m_%d_%H_%M_%S") + f".{os.getpid()}{time.monotonic_ns() % 100000}"
    data_dir = os.path.join(target_dir, ".." + stamp)
    os.mkdir(data_dir, 0o755)
    top_level = set()
    for f in files:
        validate_path(f.path)
        full = os.path.join(data_dir, f.path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as out:
            out.write(f.contents)
        os.chmod(full, f.mode)
        top_level.add(f.path.split("/")[0])
    tmp_link = os.path.join(target_dir, "..data_tmp")
    os.symlink(".." + stamp, tmp_link)
    os.rename(tmp_link, os.path.join(target_dir, "..data"))
    for name in top_level:
        link = os.path.join(target_dir, name)
        if not os.path.islink(link):
            os.symlink(os.path.join("..data", name), link)
    return sorted(top_level)
