/// The three Key Vault collections the provider reads.
public enum KeyVaultObjectKind: String, Sendable, Hashable, CaseIterable {
    case secrets
    case keys
    case certificates

    /// The path segment: `/secrets/...`.
    public var pathSegment: String { rawValue }

    /// The `objectType` spelling of SecretProviderClass objects and of the Go provider's messages.
    public var objectType: String {
        switch self {
        case .secrets: return "secret"
        case .keys: return "key"
        case .certificates: return "cert"
        }
    }
}
