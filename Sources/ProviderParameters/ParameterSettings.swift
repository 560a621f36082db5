import AzureCloud

/// Provider-wide settings that shape how a mount's parameters are read (from the command line).
public struct ParameterSettings: Sendable {
    /// The cloud for classes that leave `cloudName` empty (`--cloud-name`).
    public var defaultCloudName: CloudName

    public init(defaultCloudName: CloudName = .azurePublicCloud) {
        self.defaultCloudName = defaultCloudName
    }
}
