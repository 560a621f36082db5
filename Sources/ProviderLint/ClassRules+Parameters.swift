import AzureCloud
import ProviderParameters
import Yams

/// The class parameters: types, vault, tenant and cloud.
extension ClassRules {
    static func trimmed(_ attributes: [String: String], _ key: String) -> String {
        (attributes[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    mutating func checkVault(_ attributes: [String: String], _ parameters: Node.Mapping) {
        let name = Self.trimmed(attributes, ParameterKey.keyvaultName)
        let keyLine = line(of: ParameterKey.keyvaultName, in: parameters)
        if name.isEmpty {
            add(
                "keyvault-name", at: "spec.parameters.keyvaultName", line: keyLine, "keyvaultName is not provided",
                fix: "set keyvaultName to the name of your key vault (https://<name>.vault.azure.net)")
        } else if let problem = MountParameters.vaultNameProblem(name) {
            add(
                "keyvault-name", at: "spec.parameters.keyvaultName", line: keyLine, problem,
                fix: "use the vault's name only (3 to 24 letters, digits and dashes), not its URL")
        }
    }

    /// The mount's fallback decides; the warnings about the deprecated spelling are lint's own.
    mutating func checkTenant(_ attributes: [String: String], _ parameters: Node.Mapping) {
        let tenant: String
        do throws(ParameterError) {
            tenant = try MountParameters.tenantID(attributes)
        } catch {
            add(
                "tenant-id", at: "spec.parameters.tenantID", line: nil, error.message,
                fix: "set tenantID to the Microsoft Entra tenant id (a GUID) of the key vault")
            return
        }
        let deprecated = Self.trimmed(attributes, ParameterKey.tenantIDDeprecated)
        let deprecatedLine = line(of: ParameterKey.tenantIDDeprecated, in: parameters)
        if Self.trimmed(attributes, ParameterKey.tenantID).isEmpty {
            add(
                "tenant-id-deprecated", .warning, at: "spec.parameters.tenantId", line: deprecatedLine,
                "tenantId is deprecated", fix: "rename tenantId to tenantID")
        } else if !deprecated.isEmpty && deprecated != tenant {
            add(
                "tenant-id", .warning, at: "spec.parameters.tenantId", line: deprecatedLine,
                "tenantID and tenantId differ; tenantID is used", fix: "remove tenantId")
        }
    }

    mutating func checkCloud(_ attributes: [String: String], _ parameters: Node.Mapping) {
        do throws(ParameterError) {
            _ = try MountParameters.cloud(
                Self.trimmed(attributes, ParameterKey.cloudName),
                cloudEnvFileName: Self.trimmed(attributes, ParameterKey.cloudEnvFileName), settings: ParameterSettings()
            )
        } catch {
            let names = CloudName.allCases.map(\.rawValue).joined(separator: ", ")
            add(
                "cloud-name", at: "spec.parameters.\(error.field)", line: line(of: error.field, in: parameters),
                error.message,
                fix: error.field == ParameterKey.cloudName
                    ? "use one of \(names), or leave cloudName empty for the provider's default"
                    : "set cloudEnvFileName to the path of the Azure Stack environment JSON on the node")
        }
    }
}
