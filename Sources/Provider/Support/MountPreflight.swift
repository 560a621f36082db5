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
        let request = try MountRequestDecoder.decode(
            attributes: input.attributes, secrets: input.secrets, permission: input.permission)
        let parameters: MountParameters
        do {
            parameters = try MountParameters.parse(
                attributes: request.attributes, secrets: request.secrets, settings: settings.parameters)
        } catch {
            throw MountError(.invalidArgument, error.description)
        }
        let environment = try CloudResolver.environment(for: parameters.cloud)
        _ = try vaults.reader(for: parameters, vault: parameters.keyvaultName, environment: environment)
        return (parameters, environment)
    }
}
