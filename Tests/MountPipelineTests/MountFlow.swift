import AzureCloud
import Foundation
import KeyVaultClient
import Logging
import MountPipeline
import ProviderParameters
import TestSupport

/// Builds mounters over an in-memory vault and the Mount requests the driver would send.
enum MountFlow {
    /// Opens in-memory vaults by name (the class's is "memory"), whatever identity or cloud the class names.
    struct Vaults: VaultReaderFactory {
        let vaults: [String: InMemoryVault]
        func reader(for parameters: MountParameters, vault name: String, environment: AzureEnvironment)
            throws(MountError) -> any VaultReading
        {
            guard let vault = vaults[name] else { throw MountError(.invalidArgument, "no vault \(name)") }
            return vault
        }
    }

    static func mounter(
        _ vault: InMemoryVault, others: [String: InMemoryVault] = [:], timeout: Duration = .seconds(10)
    ) -> KeyVaultMounter {
        var settings = PipelineSettings()
        settings.mountTimeout = timeout
        return KeyVaultMounter(
            settings: settings, vaults: Vaults(vaults: others.merging(["memory": vault]) { $1 }),
            logger: Logger(label: "test"))
    }

    /// A workload-identity class of the given objects, with the pod attributes the driver adds.
    static func input(objects: String, extra: [String: String] = [:]) -> MountInput {
        var attributes = [
            "keyvaultName": "memory", "tenantID": "tenant", "clientID": "client",
            "csi.storage.k8s.io/pod.name": "pod", "csi.storage.k8s.io/pod.namespace": "default",
            "csi.storage.k8s.io/serviceAccount.tokens":
                #"{"api://AzureADTokenExchange":{"token":"sa-token","expirationTimestamp":"2099-01-01T00:00:00Z"}}"#,
            "objects": objects,
        ]
        attributes.merge(extra) { $1 }
        let json = String(decoding: try! JSONSerialization.data(withJSONObject: attributes), as: UTF8.self)
        return MountInput(attributes: json, secrets: "{}", permission: "420")
    }
}
