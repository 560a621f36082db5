"""The benchmark's vault and SecretProviderClasses: one vault of 50 plain secrets; classes of the first 1, 10
or 50 of them. Plain secrets keep the figures about requests and round trips, not certificate conversion."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "e2e"))
import fakeazure.seed as S  # noqa: E402

VAULT = "kv-bench"
OBJECT_COUNT = 50


def secret_name(i):
    return f"bench-secret-{i:02d}"


def seed():
    """Only what the benchmark uses: a service principal, the workload identity app, one vault."""
    return {
        "tenant_id": S.TENANT_ID,
        "oidc_issuer": S.OIDC_ISSUER,
        "identities": {
            "sp": {"type": "application", "client_id": S.SP_CLIENT_ID, "object_id": S.SP_OBJECT_ID,
                   "client_secret": S.SP_CLIENT_SECRET},
            "workload": {"type": "application", "client_id": S.WORKLOAD_CLIENT_ID,
                         "object_id": S.WORKLOAD_OBJECT_ID,
                         "federated_credentials": [{"issuer": "default", "subject": S.WORKLOAD_SUBJECT,
                                                    "audiences": [S.TOKEN_EXCHANGE_AUDIENCE]}]},
        },
        "vaults": [{
            "name": VAULT, "cloud": "AzurePublicCloud", "location": "eastus", "access": ["sp", "workload"],
            "secrets": [{"name": secret_name(i), "versions": [{"value": f"benchmark value {i:02d} " + "x" * 24}]}
                        for i in range(OBJECT_COUNT)],
        }],
    }


def objects_yaml(count):
    return "array:\n" + "".join(f"  - |\n    objectName: {secret_name(i)}\n    objectType: secret\n"
                                for i in range(count))


def _attributes(count, pod, extra):
    attributes = {"keyvaultName": VAULT, "tenantID": S.TENANT_ID, "objects": objects_yaml(count), **extra}
    attributes.update({
        "csi.storage.k8s.io/pod.name": pod,
        "csi.storage.k8s.io/pod.namespace": "default",
        "csi.storage.k8s.io/pod.uid": "6c1e2b9a-0000-4000-8000-000000000001",
        "csi.storage.k8s.io/serviceAccount.name": S.WORKLOAD_SERVICE_ACCOUNT,
        "csi.storage.k8s.io/ephemeral": "true",
        "secretProviderClass": "bench",
    })
    return attributes


def service_principal(count):
    """(attributes, secrets): every pod of the class shares one credential, so one cached token."""
    return _attributes(count, "bench-pod", {}), {"clientid": S.SP_CLIENT_ID, "clientsecret": S.SP_CLIENT_SECRET}


def workload_identity(count, sa_token, pod="bench-pod"):
    """(attributes, None) for a pod whose service-account token is `sa_token`: the provider caches Entra ID
    tokens per credential, so a pod's first mount (a token it has not seen) is a cold mount."""
    tokens = {S.TOKEN_EXCHANGE_AUDIENCE: {"token": sa_token, "expirationTimestamp": "2099-01-01T00:00:00Z"}}
    extra = {"clientID": S.WORKLOAD_CLIENT_ID, "csi.storage.k8s.io/serviceAccount.tokens": json.dumps(tokens)}
    return _attributes(count, pod, extra), None
