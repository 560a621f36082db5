import AzureCloud
import ProviderParameters

/// A mount before its first request: see `KeyVaultMounter.prepare`.
public struct PreparedMount: Sendable {
    public var request: DecodedMountRequest
    public var parameters: MountParameters
    public var environment: AzureEnvironment
}
