import AzureCloud
import KeyVaultClient
import ProviderParameters

/// Opens a vault a mount reads, as the identity its class selected. The pipeline calls it once per vault of the
/// mount (the class's, and those objects name), after the parameters are valid; `KeyVaultReaderFactory` opens the
/// real vault over HTTPS.
public protocol VaultReaderFactory: Sendable {
    func reader(for parameters: MountParameters, vault: String, environment: AzureEnvironment) throws(MountError)
        -> any VaultReading
}
