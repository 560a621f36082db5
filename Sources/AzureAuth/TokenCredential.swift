/// One identity able to fetch tokens. Implementations fetch; `TokenCache` decides when.
public protocol TokenCredential: Sendable {
    /// Everything that determines who the caller is. Two credentials with equal identities may share tokens.
    var identity: CredentialIdentity { get }
    /// Fetches a fresh token; never consults a cache.
    func fetchToken(scope: String, deadline: ContinuousClock.Instant) async throws(AuthError) -> AccessToken
}

extension TokenCredential {
    public func cacheKey(scope: String) -> TokenCacheKey { TokenCacheKey(identity: identity, scope: scope) }

    /// Who, never the credential material: credentials hold secrets, and `"\(credential)"` must stay safe.
    public var description: String { "\(identity.mode.credentialName)(\(identity))" }
}
