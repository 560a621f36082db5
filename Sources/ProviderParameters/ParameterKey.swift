/// Attribute keys the provider reads (the SecretProviderClass `spec.parameters` plus the driver's own).
public enum ParameterKey {
    public static let keyvaultName = "keyvaultName"
    public static let tenantID = "tenantID"
    /// Deprecated spelling, read when `tenantID` is empty.
    public static let tenantIDDeprecated = "tenantId"
    public static let cloudName = "cloudName"
    public static let cloudEnvFileName = "cloudEnvFileName"
    public static let usePodIdentity = "usePodIdentity"
    public static let useVMManagedIdentity = "useVMManagedIdentity"
    public static let useAzureTokenProxy = "useAzureTokenProxy"
    public static let userAssignedIdentityID = "userAssignedIdentityID"
    public static let clientID = "clientID"
    public static let objects = "objects"
    public static let podName = "csi.storage.k8s.io/pod.name"
    public static let podNamespace = "csi.storage.k8s.io/pod.namespace"
    /// The SecretProviderClass's name, which the driver adds.
    public static let secretProviderClass = "secretProviderClass"
    public static let serviceAccountTokens = "csi.storage.k8s.io/serviceAccount.tokens"

    /// The keys a SecretProviderClass may set in `spec.parameters` (lint flags others as likely typos).
    public static let classParameters: [String] = [
        keyvaultName, tenantID, tenantIDDeprecated, cloudName, cloudEnvFileName, usePodIdentity,
        useVMManagedIdentity, useAzureTokenProxy, userAssignedIdentityID, clientID, objects,
    ]
}
