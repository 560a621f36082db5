"""Invalid SecretProviderClasses through the real socket: every mistake is INVALID_ARGUMENT, names the field
(and the object), keeps the Go provider's wording, and is found before any request to Azure."""
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
     'failed to get vault: Invalid vault name: "kv", must be between 3 and 24 chars'),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "cloudName": "AzureMarsCloud", "objects": objects(GOOD_OBJECT)}, SP,
     'cloudName AzureMarsCloud is not valid, error: autorest/azure: There is no cloud environment matching the name "AZUREMARSCLOUD"'),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "usePodIdentity": "yes", "objects": objects(GOOD_OBJECT)}, SP,
     'failed to parse usePodIdentity flag, error: strconv.ParseBool: parsing "yes": invalid syntax'),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "usePodIdentity": "true", "useVMManagedIdentity": "true",
      "objects": objects(GOOD_OBJECT)}, SP, "only one identity mode can be enabled at a time"),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects("objectName: app-secret\nobjectType: secrets")}, SP,
     'objects[0] (objectName "app-secret"): objectType "secrets" is not valid, accepted values are secret, key, cert'),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects("objectName: k\nobjectType: key\nobjectFormat: pfx")}, SP,
     "objects[0]"),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects(GOOD_OBJECT + "\nfilePermission: 0999")}, SP,
     "filePermission"),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects(GOOD_OBJECT + "\nobjectAlias: ../escape")}, SP,
     "objectAlias"),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects(GOOD_OBJECT, GOOD_OBJECT)}, SP, "app-secret"),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": "array: [unclosed"}, SP, "objects"),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects(GOOD_OBJECT)}, None,
     "nodePublishSecretRef"),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects(GOOD_OBJECT)}, {"clientid": "id"},
     "clientsecret"),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "clientID": "c", "objects": objects(GOOD_OBJECT),
      "csi.storage.k8s.io/serviceAccount.tokens": "{broken"}, None, "serviceAccount.tokens"),
    ({"keyvaultName": "kv-demo", "tenantID": TENANT, "useAzureTokenProxy": "true", "clientID": "c",
      "objects": objects(GOOD_OBJECT),
      "csi.storage.k8s.io/serviceAccount.tokens": '{"api://AKSIdentityBinding":{"token":"a.b.c","expirationTimestamp":"2030-01-01T00:00:00Z"}}'},
     None, "not supported yet"),
]


@pytest.mark.parametrize("parameters, secrets, expected", CASES)
def test_invalid_classes_are_rejected_with_the_field_named(client, parameters, secrets, expected):
    with pytest.raises(grpc.RpcError) as error:
        client.mount(pod_attributes(parameters), secrets)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT, error.value.details()
    assert expected in error.value.details()
    assert error.value.details().startswith("failed to mount objects, error: ")
    assert "secret-value-never-shown" not in error.value.details()


def test_no_request_leaves_the_node_for_an_invalid_class(fake_azure, azure_client):
    parameters = {"keyvaultName": "kv-demo", "tenantID": TENANT, "objects": objects("objectName: a\nobjectType: nope")}
    with pytest.raises(grpc.RpcError):
        azure_client.mount(pod_attributes(parameters), SP)
    assert fake_azure.requests() == []
