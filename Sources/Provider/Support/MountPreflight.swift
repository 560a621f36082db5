import AzureCloud
import MountPipeline
import ProviderParameters

/// The part of a mount before its first request, as `KeyVaultMounter` runs it: decode the request, parse the
/// class (`MountParameters.parse`), resolve the cloud, and open the vault with a credential for the identity
/// (which validates the tenant, client id and pod without any network access). `mount --dry-run` stops here.
struct MountPreflight {
    var settings: PipelineSettings
    var vaults: any VaultReaderFactory

    func run(_ input: MountInput) throws(MountError) -> (parameters: MountParameters, environment: AzureEnvironment) {
        let prepared = try KeyVaultMounter.prepare(input, settings: settings.parameters)
        _ = try vaults.reader(
            for: prepared.parameters, vault: prepared.parameters.keyvaultName, environment: prepared.environment)
        return (prepared.parameters, prepared.environment)
    }
}
