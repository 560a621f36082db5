"""Invalid SecretProviderClasses through the real socket: every mistake is INVALID_ARGUMENT with one exact
message that names the field (and the object), starts with the Go provider's wording where it has one (a
hint may follow), and is found before any request to Azure."""
import grpc
import pytest

from driver_client import pod_attributes

TENANT = "8a3b9c1d-2e4f-4a5b-9c6d-7e8f9a0b1c2d"
SP = {"clientid": "id", "clientsecret": "secret-value-never-shown"}


def objects(*items):
    return "array:\n" + "".join("  - |\n" + "".join(f"    {line}\n" for line in item.split("\n")) for item in items)


GOOD_OBJECT = "objectName: app-secret\nobjectType: secret"

CASES = [
    ({"tenantID": TENANT, "objects": objects(GOOD_OBJECT)}, SP, "keyvaultName is not provided"),
    ({"keyvaultName": "kv-demo", "objects": objects(GOOD_OBJECT)}, SP, "tenantId is not provided"),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT}, SP, "objects is not set"),
    ({"keyvaultName": "kv", "tenantID": TENANT, "objects": objects(GOOD_OBJECT)}, SP,
     'keyvaultName: failed to get vault: Invalid vault name: "kv", must be between 3 and 24 chars'),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "cloudName": "AzureMarsCloud", "objects": objects(GOOD_OBJECT)}, SP,
     'cloudName AzureMarsCloud is not valid, error: autorest/azure: There is no cloud environment matching the name "AZUREMARSCLOUD"'),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "usePodIdentity": "yes", "objects": objects(GOOD_OBJECT)}, SP,
     'failed to parse usePodIdentity flag, error: strconv.ParseBool: parsing "yes": invalid syntax (use "true" or "false")'),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "usePodIdentity": "true", "useVMManagedIdentity": "true",
      "objects": objects(GOOD_OBJECT)}, SP,
     "only one identity mode can be enabled at a time: usePodIdentity and useVMManagedIdentity are both set to true; keep one"),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects("objectName: app-secret\nobjectType: secrets")}, SP,
     'objects[0] (objectName "app-secret"): objectType "secrets" is not valid, accepted values are secret, key, cert '
     '(did you mean "secret"?)'),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects("objectName: k\nobjectType: key\nobjectFormat: pfx")}, SP,
     'objects[0] (objectName "k"): objectFormat: PFX format only supported for objectType: secret (a key is always '
     'written as PEM)'),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects(GOOD_OBJECT + "\nfilePermission: 0999")}, SP,
     'objects[0] (objectName "app-secret"): file permission must be a valid octal number from 0000 to 0777, got '
     '"0999" (quote it: filePermission: "0640")'),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects(GOOD_OBJECT + "\nobjectAlias: ../escape")}, SP,
     'objects[0] (objectName "app-secret"): objectAlias: file name must not contain \'..\''),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects(GOOD_OBJECT, GOOD_OBJECT)}, SP,
     'objects[1] (objectName "app-secret"): file path "app-secret" conflicts with "app-secret" of objects[0] '
     '(objectName "app-secret"): two objects cannot write the same file or a file inside another\'s path; set a '
     'distinct objectAlias'),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": "array: [unclosed"}, SP,
     "failed to yaml unmarshal objects, error: 2:1: error: parser: while parsing a flow sequence in line 1, column 8\n"
     "did not find expected ',' or ']':\narray: [unclosed\n^"),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects(GOOD_OBJECT)}, None,
     "failed to get credentials, nodePublishSecretRef secret is not set (no identity mode is enabled, so a service "
     "principal is used): set clientID for workload identity, useVMManagedIdentity: \"true\" for a VM managed "
     "identity, or reference a secret with clientid and clientsecret in the volume's nodePublishSecretRef"),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects(GOOD_OBJECT)}, {"clientid": "id"},
     "could not find clientsecret in nodePublishSecretRef secret (keys present: clientid); the secret needs non-empty "
     "clientid and clientsecret"),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "clientID": "c", "objects": objects(GOOD_OBJECT),
      "csi.storage.k8s.io/serviceAccount.tokens": "{broken"}, None,
     "failed to unmarshal service account tokens, error: csi.storage.k8s.io/serviceAccount.tokens is not a JSON "
     "object of audiences"),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "useAzureTokenProxy": "true", "clientID": "c",
      "objects": objects(GOOD_OBJECT),
      "csi.storage.k8s.io/serviceAccount.tokens": '{"api://AzureADTokenExchange":{"token":"a.b.c"}}'},
     None, "csi.storage.k8s.io/serviceAccount.tokens: token for audience api://AKSIdentityBinding not found "
     '(audiences sent: "api://AzureADTokenExchange"); identity binding (useAzureTokenProxy) needs it: add audience '
     '"api://AKSIdentityBinding" to the CSIDriver\'s spec.tokenRequests (Helm chart of the driver: '
     "tokenRequests[].audience) so the driver sends the pod's token"),
]


@pytest.mark.parametrize("parameters, secrets, expected", CASES)
def test_invalid_classes_are_rejected_with_the_field_named(client, parameters, secrets, expected):
    with pytest.raises(grpc.RpcError) as error:
        client.mount(pod_attributes(parameters), secrets)
    assert (error.value.code(), error.value.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT, "failed to mount objects, error: " + expected)
    assert "secret-value-never-shown" not in error.value.details()


@pytest.mark.parametrize("missing, expected", [
    ("csi.storage.k8s.io/pod.name", "pod name is not provided"),
    ("csi.storage.k8s.io/pod.namespace", "pod namespace is not provided"),
])
@pytest.mark.parametrize("identity", [
    {"clientID": "c", "csi.storage.k8s.io/serviceAccount.tokens": '{"api://AzureADTokenExchange":{"token":"a.b.c"}}'},
    {"useVMManagedIdentity": "true"},
    {"usePodIdentity": "true"},
], ids=["workload-identity", "vm-managed-identity", "pod-identity"])
def test_a_mount_without_pod_information_is_refused_in_every_mode(client, missing, expected, identity):
    """The driver always sends the pod's name and namespace; without them the CSIDriver lacks podInfoOnMount.
    The Go provider refuses every such mount with these words, whatever the identity mode."""
    attributes = pod_attributes({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects(GOOD_OBJECT),
                                 **identity})
    del attributes[missing]
    with pytest.raises(grpc.RpcError) as error:
        client.mount(attributes, None)
    assert (error.value.code(), error.value.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT, "failed to mount objects, error: " + expected)


def test_no_request_leaves_the_node_for_an_invalid_class(fake_azure, azure_client):
    parameters = {"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects("objectName: a\nobjectType: nope")}
    with pytest.raises(grpc.RpcError) as error:
        azure_client.mount(pod_attributes(parameters), SP)
    assert (error.value.code(), error.value.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT, 'failed to mount objects, error: objects[0] (objectName "a"): objectType '
                                          '"nope" is not valid, accepted values are secret, key, cert')
    assert fake_azure.requests() == []
