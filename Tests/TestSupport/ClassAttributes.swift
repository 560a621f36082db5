/// A minimal valid set of attributes, with the pod attributes the driver always adds (service principal
/// secrets given separately).
public func baseAttributes(_ overrides: [String: String] = [:]) -> [String: String] {
    var attributes = [
        "keyvaultName": "my-kv",
        "tenantID": "tenant-1",
        "clientID": "client-1",
        "csi.storage.k8s.io/pod.name": "pod-1",
        "csi.storage.k8s.io/pod.namespace": "ns-1",
        "csi.storage.k8s.io/serviceAccount.tokens":
            #"{"api://AzureADTokenExchange":{"token":"jwt-wi","expirationTimestamp":"2030-01-02T03:04:05Z"}}"#,
        "objects": "array:\n  - |\n    objectName: s1\n    objectType: secret\n",
    ]
    for (key, value) in overrides { attributes[key] = value }
    return attributes
}
