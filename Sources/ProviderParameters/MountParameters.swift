import AzureCloud
import Foundation

/// A mount's configuration, validated: everything the pipeline needs besides the request's target and default
/// permission. Decided once, here: the pipeline never reads the raw attributes again.
public struct MountParameters: Sendable {
    public var keyvaultName: String
    public var tenantID: String
    public var cloud: CloudSelection
    public var identity: IdentitySelection
    public var pod: PodInfo
    /// The SecretProviderClass's name as the driver sends it; `nil` when it sent none.
    public var className: String?
    /// The objects, in class order. `vault` is set only on objects of another vault than `keyvaultName`.
    public var objects: [KeyVaultObject]

    public init(
        keyvaultName: String, tenantID: String, cloud: CloudSelection, identity: IdentitySelection, pod: PodInfo,
        className: String? = nil, objects: [KeyVaultObject]
    ) {
        self.keyvaultName = keyvaultName
        self.tenantID = tenantID
        self.cloud = cloud
        self.identity = identity
        self.pod = pod
        self.className = className
        self.objects = objects
    }

    /// Validates a Mount's attributes (and NodePublish secrets) in the Go provider's order, throwing the first
    /// problem. Every value is trimmed of surrounding white space.
    public static func parse(
        attributes: [String: String], secrets: [String: String], settings: ParameterSettings
    ) throws(ParameterError) -> MountParameters {
        let size = attributes.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        if size > RequestLimits.attributesBytes {
            throw ParameterError(
                field: "attributes",
                message: "attributes are \(size) bytes, more than the limit of \(RequestLimits.attributesBytes)")
        }
        func value(_ key: String) -> String {
            (attributes[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }

        let keyvaultName = value(ParameterKey.keyvaultName)
        if keyvaultName.isEmpty {
            throw ParameterError(field: ParameterKey.keyvaultName, message: "keyvaultName is not provided")
        }
        let tenantID = try tenantID(attributes)
        // The driver always sends both (it needs the namespace to find the class); without them the CSIDriver
        // lacks `podInfoOnMount: true`. The Go provider refuses every mount then, in every identity mode.
        let pod = PodInfo(name: value(ParameterKey.podName), namespace: value(ParameterKey.podNamespace))
        if pod.name.isEmpty {
            throw ParameterError(field: ParameterKey.podName, message: "pod name is not provided", isVerbatim: true)
        }
        if pod.namespace.isEmpty {
            throw ParameterError(
                field: ParameterKey.podNamespace, message: "pod namespace is not provided", isVerbatim: true)
        }
        let usePodIdentity = try GoBool.parameter(ParameterKey.usePodIdentity, value(ParameterKey.usePodIdentity))
        let useVMManagedIdentity = try GoBool.parameter(
            ParameterKey.useVMManagedIdentity, value(ParameterKey.useVMManagedIdentity))
        let useAzureTokenProxy = try GoBool.parameter(
            ParameterKey.useAzureTokenProxy, value(ParameterKey.useAzureTokenProxy))
        if let problem = vaultNameProblem(keyvaultName) {
            throw ParameterError(field: ParameterKey.keyvaultName, message: problem)
        }
        let cloud = try cloud(
            value(ParameterKey.cloudName), cloudEnvFileName: value(ParameterKey.cloudEnvFileName), settings: settings)

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

        let className = value(ParameterKey.secretProviderClass)
        // An object naming the class's own vault is the class's (its id stays `secret/<name>`).
        let objects = list.objects.map { object in
            var object = object
            if object.vault?.lowercased() == keyvaultName.lowercased() { object.vault = nil }
            return object
        }
        return MountParameters(
            keyvaultName: keyvaultName, tenantID: tenantID, cloud: cloud, identity: identity, pod: pod,
            className: className.isEmpty ? nil : className, objects: objects)
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

    /// Empty = the provider's default cloud; unknown names fail with go-autorest's wording. AzureStackCloud
    /// needs its environment file.
    public static func cloud(
        _ text: String, cloudEnvFileName: String, settings: ParameterSettings
    ) throws(ParameterError) -> CloudSelection {
        let cloud: CloudName
        if text.isEmpty {
            cloud = settings.defaultCloudName
        } else if let parsed = CloudName(parsing: text) {
            cloud = parsed
        } else {
            throw ParameterError(
                field: ParameterKey.cloudName,
                message: "cloudName \(text) is not valid, error: autorest/azure: There is no cloud environment"
                    + " matching the name \"\(text.uppercased())\"")
        }
        if let environment = cloud.builtInEnvironment { return .builtIn(environment) }
        guard !cloudEnvFileName.isEmpty else {
            throw ParameterError(
                field: ParameterKey.cloudEnvFileName,
                message: "cloudEnvFileName is not provided: cloudName AzureStackCloud needs the path of the Azure"
                    + " Stack environment JSON file on the node")
        }
        return .azureStack(environmentFile: cloudEnvFileName)
    }
}
