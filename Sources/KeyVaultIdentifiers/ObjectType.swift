/// The kind of a Key Vault object: the one name the parameters, the Key Vault client and the pipeline share.
/// The raw value is the `objectType` spelling of SecretProviderClass objects, which the Go provider's
/// messages and object ids (`secret/<name>`) use too.
public enum ObjectType: String, Sendable, Hashable, CaseIterable {
    case secret
    case key
    case cert

    /// The REST collection the object lives in: `/secrets/<name>`, `/keys/<name>`, `/certificates/<name>`.
    public var collection: String {
        switch self {
        case .secret: return "secrets"
        case .key: return "keys"
        case .cert: return "certificates"
        }
    }
}
