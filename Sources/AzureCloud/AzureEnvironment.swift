import Foundation

/// The endpoints of one Azure cloud that the provider needs: where to get tokens and where vaults live.
public struct AzureEnvironment: Sendable, Equatable {
    /// The cloud's canonical name, e.g. `AzurePublicCloud`.
    public var name: String
    /// Entra ID authority host with a trailing slash, e.g. `https://login.microsoftonline.com/`.
    public var activeDirectoryEndpoint: String
    /// Key Vault resource with a trailing slash, e.g. `https://vault.azure.net/`.
    public var keyVaultEndpoint: String
    /// Key Vault DNS suffix, e.g. `vault.azure.net`.
    public var keyVaultDNSSuffix: String

    public init(name: String, activeDirectoryEndpoint: String, keyVaultEndpoint: String, keyVaultDNSSuffix: String) {
        self.name = name
        self.activeDirectoryEndpoint = activeDirectoryEndpoint
        self.keyVaultEndpoint = keyVaultEndpoint
        self.keyVaultDNSSuffix = keyVaultDNSSuffix
    }

    /// The Key Vault resource without a trailing slash (what IMDS and NMI take as `resource`).
    public var keyVaultResource: String {
        keyVaultEndpoint.hasSuffix("/") ? String(keyVaultEndpoint.dropLast()) : keyVaultEndpoint
    }

    /// The OAuth2 scope for Key Vault tokens.
    public var keyVaultScope: String { keyVaultResource + "/.default" }

    /// The authority host with exactly one trailing slash.
    public var authorityHost: String {
        activeDirectoryEndpoint.hasSuffix("/") ? activeDirectoryEndpoint : activeDirectoryEndpoint + "/"
    }

    /// `https://<vault>.<suffix>/`.
    public func vaultURL(vaultName: String) -> String {
        "https://\(vaultName).\(keyVaultDNSSuffix)/"
    }
}
