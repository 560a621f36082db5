import AzureCloud
import Foundation

/// The pod a mount is for, from the driver's `csi.storage.k8s.io/...` attributes (`podInfoOnMount`).
public struct PodInfo: Sendable, Equatable {
    public var name: String
    public var namespace: String
    public var uid: String
    public var serviceAccountName: String

    public init(name: String = "", namespace: String = "", uid: String = "", serviceAccountName: String = "") {
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.serviceAccountName = serviceAccountName
    }
}

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
    public static let podUID = "csi.storage.k8s.io/pod.uid"
    public static let serviceAccountName = "csi.storage.k8s.io/serviceAccount.name"
    public static let serviceAccountTokens = "csi.storage.k8s.io/serviceAccount.tokens"

    /// The keys a SecretProviderClass may set in `spec.parameters` (lint flags others as likely typos).
    public static let classParameters: [String] = [
        keyvaultName, tenantID, tenantIDDeprecated, cloudName, cloudEnvFileName, usePodIdentity,
        useVMManagedIdentity, useAzureTokenProxy, userAssignedIdentityID, clientID, objects,
    ]
}

/// A mount's configuration, validated: everything the pipeline needs besides the request's target and default
/// permission.
public struct MountParameters: Sendable {
    public var keyvaultName: String
    public var tenantID: String
    public var cloudName: CloudName
    /// The AzureStackCloud environment file (required for that cloud, read per mount by the caller).
    public var cloudEnvFileName: String?
    public var identity: IdentitySelection
    public var pod: PodInfo
    public var objects: [KeyVaultObject]

    public init(
        keyvaultName: String, tenantID: String, cloudName: CloudName, cloudEnvFileName: String? = nil,
        identity: IdentitySelection, pod: PodInfo = PodInfo(), objects: [KeyVaultObject]
    ) {
        self.keyvaultName = keyvaultName
        self.tenantID = tenantID
        self.cloudName = cloudName
        self.cloudEnvFileName = cloudEnvFileName
        self.identity = identity
        self.pod = pod
        self.objects = objects
    }

    /// Validates a Mount's attributes (and NodePublish secrets) in the Go provider's order, throwing the first
    /// problem. Every value is trimmed of surrounding white space.
    public static func parse(
        attributes: [String: String], secrets: [String: String], options: ParameterOptions
    ) throws(ParameterError) -> MountParameters {
        let size = attributes.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        if size > ParameterOptions.maxAttributesBytes {
            throw ParameterError(
                field: "attributes",
                message: "attributes are \(size) bytes, more than the limit of \(ParameterOptions.maxAttributesBytes)")
        }
        func value(_ key: String) -> String {
            (attributes[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }

        let keyvaultName = value(ParameterKey.keyvaultName)
        if keyvaultName.isEmpty {
            throw ParameterError(field: ParameterKey.keyvaultName, message: "keyvaultName is not provided")
        }
        let tenantID = try tenantID(attributes)
        let usePodIdentity = try GoBool.parameter(ParameterKey.usePodIdentity, value(ParameterKey.usePodIdentity))
        let useVMManagedIdentity = try GoBool.parameter(
            ParameterKey.useVMManagedIdentity, value(ParameterKey.useVMManagedIdentity))
        let useAzureTokenProxy = try GoBool.parameter(
            ParameterKey.useAzureTokenProxy, value(ParameterKey.useAzureTokenProxy))
        if let problem = vaultNameProblem(keyvaultName) {
            throw ParameterError(field: ParameterKey.keyvaultName, message: problem)
        }
        let cloudEnvFileName = value(ParameterKey.cloudEnvFileName)
        let cloudName = try cloudName(value(ParameterKey.cloudName), cloudEnvFileName: cloudEnvFileName, options: options)

        let pod = PodInfo(
            name: value(ParameterKey.podName), namespace: value(ParameterKey.podNamespace),
            uid: value(ParameterKey.podUID), serviceAccountName: value(ParameterKey.serviceAccountName))
        var tokens = value(ParameterKey.serviceAccountTokens)
        if tokens.isEmpty {
            // Driver v1.6 with `serviceAccountTokenInSecrets: true`: kubelet puts the tokens in the secrets.
            tokens = (secrets[ParameterKey.serviceAccountTokens] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let identity = try IdentitySelection.select(
            IdentityParameters(
                usePodIdentity: usePodIdentity, useVMManagedIdentity: useVMManagedIdentity,
                useAzureTokenProxy: useAzureTokenProxy, clientID: value(ParameterKey.clientID),
                userAssignedIdentityID: value(ParameterKey.userAssignedIdentityID), serviceAccountTokens: tokens),
            secrets: secrets, pod: pod)

        let list = try ObjectList.parse(attributes[ParameterKey.objects] ?? "")
        if let first = list.problems.first ?? list.conflicts.first { throw first }

        return MountParameters(
            keyvaultName: keyvaultName, tenantID: tenantID, cloudName: cloudName,
            cloudEnvFileName: cloudEnvFileName.isEmpty ? nil : cloudEnvFileName, identity: identity, pod: pod,
            objects: list.objects)
    }

    /// `tenantID`, falling back to the deprecated `tenantId` when empty (the Go provider's precedence); one of
    /// them must be set.
    public static func tenantID(_ attributes: [String: String]) throws(ParameterError) -> String {
        for key in [ParameterKey.tenantID, ParameterKey.tenantIDDeprecated] {
            let value = (attributes[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if !value.isEmpty { return value }
        }
        throw ParameterError(field: ParameterKey.tenantID, message: "tenantId is not provided")
    }

    /// The Go provider's vault-name check and wording (it runs it when fetching, prefixed "failed to get vault").
    public static func vaultNameProblem(_ name: String) -> String? {
        if name.utf8.count < 3 || name.utf8.count > 24 {
            return "failed to get vault: Invalid vault name: \"\(name)\", must be between 3 and 24 chars"
        }
        if !name.unicodeScalars.allSatisfy({ KeyVaultObject.isASCIIAlphanumeric($0) || $0 == "-" }) {
            return "failed to get vault: Invalid vault name: \"\(name)\", must match [-a-zA-Z0-9]{3,24}"
        }
        return nil
    }

    /// Empty = the provider's default cloud; unknown names fail with go-autorest's wording.
    public static func cloudName(
        _ text: String, cloudEnvFileName: String, options: ParameterOptions
    ) throws(ParameterError) -> CloudName {
        let cloud: CloudName
        if text.isEmpty {
            cloud = options.defaultCloudName
        } else if let parsed = CloudName(parsing: text) {
            cloud = parsed
        } else {
            throw ParameterError(
                field: ParameterKey.cloudName,
                message: "cloudName \(text) is not valid, error: autorest/azure: There is no cloud environment"
                    + " matching the name \"\(text.uppercased())\"")
        }
        if cloud == .azureStackCloud && cloudEnvFileName.isEmpty {
            throw ParameterError(
                field: ParameterKey.cloudEnvFileName,
                message: "cloudEnvFileName is not provided: cloudName AzureStackCloud needs the path of the Azure"
                    + " Stack environment JSON file on the node")
        }
        return cloud
    }
}
