import Foundation

/// A named Azure cloud as written in `cloudName` or `--cloud-name` (matched case-insensitively).
public enum CloudName: String, Sendable, CaseIterable {
    case azurePublicCloud = "AzurePublicCloud"
    case azureUSGovernmentCloud = "AzureUSGovernmentCloud"
    case azureChinaCloud = "AzureChinaCloud"
    case azureGermanCloud = "AzureGermanCloud"
    case azureStackCloud = "AzureStackCloud"

    /// Aliases go-autorest accepts for the same clouds.
    private static let aliases: [String: CloudName] = [
        "azurecloud": .azurePublicCloud,
        "azureusgovernment": .azureUSGovernmentCloud,
    ]

    /// Parses a cloud name; `nil` for a name no Azure SDK knows.
    public init?(parsing text: String) {
        let lowered = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let known = CloudName.allCases.first(where: { $0.rawValue.lowercased() == lowered }) {
            self = known
        } else if let alias = CloudName.aliases[lowered] {
            self = alias
        } else {
            return nil
        }
    }

    /// The endpoints of a built-in cloud; `nil` for AzureStackCloud, whose endpoints come from a file.
    public var builtInEnvironment: AzureEnvironment? {
        switch self {
        case .azurePublicCloud:
            return AzureEnvironment(
                name: rawValue, activeDirectoryEndpoint: "https://login.microsoftonline.com/",
                keyVaultEndpoint: "https://vault.azure.net/", keyVaultDNSSuffix: "vault.azure.net")
        case .azureUSGovernmentCloud:
            return AzureEnvironment(
                name: rawValue, activeDirectoryEndpoint: "https://login.microsoftonline.us/",
                keyVaultEndpoint: "https://vault.usgovcloudapi.net/", keyVaultDNSSuffix: "vault.usgovcloudapi.net")
        case .azureChinaCloud:
            return AzureEnvironment(
                name: rawValue, activeDirectoryEndpoint: "https://login.chinacloudapi.cn/",
                keyVaultEndpoint: "https://vault.azure.cn/", keyVaultDNSSuffix: "vault.azure.cn")
        case .azureGermanCloud:
            return AzureEnvironment(
                name: rawValue, activeDirectoryEndpoint: "https://login.microsoftonline.de/",
                keyVaultEndpoint: "https://vault.microsoftazure.de/", keyVaultDNSSuffix: "vault.microsoftazure.de")
        case .azureStackCloud:
            return nil
        }
    }
}
