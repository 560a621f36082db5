/// An identity and the scope its token is for.
public struct TokenCacheKey: Sendable, Hashable {
    public var identity: CredentialIdentity
    public var scope: String

    public init(identity: CredentialIdentity, scope: String) {
        self.identity = identity
        self.scope = scope
    }
}
