import AzureCloud

/// Provider-wide settings that shape how a mount's parameters are read.
public struct ParameterOptions: Sendable {
    /// The cloud used when a class leaves `cloudName` empty (the `--cloud-name` flag).
    public var defaultCloudName: CloudName

    public init(defaultCloudName: CloudName = .azurePublicCloud) {
        self.defaultCloudName = defaultCloudName
    }

    // Limits against abusive requests. Real classes are far below them: the largest public examples hold a few
    // dozen objects and a few KiB of attributes.

    /// Total UTF-8 bytes of all attribute keys and values (a Kubernetes object is at most about 1.5 MiB).
    public static let maxAttributesBytes = 1 << 20
    /// Entries in the `objects` array.
    public static let maxObjects = 1000
    /// `objectVersionHistory` of one object: each version is one Key Vault read.
    public static let maxObjectVersionHistory = 100
    /// Files one mount may produce (objects times their history), so a mount's Key Vault reads stay bounded.
    public static let maxFiles = 2000
}
