import AzureCloud
import KeyVaultClient
import ProviderParameters

/// Opens the vault one mount reads, as the identity its class selected. The pipeline calls it once per mount,
/// after the parameters are valid; `KeyVaultReaderFactory` opens the real vault over HTTPS.
public protocol VaultReaderFactory: Sendable {
    func reader(for parameters: MountParameters, environment: AzureEnvironment) throws(MountError) -> any VaultReading
}
