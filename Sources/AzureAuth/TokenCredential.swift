import Foundation

/// The ways a pod can prove who it is to Entra ID.
public enum IdentityMode: String, Sendable, Hashable {
    case workloadIdentity
    case servicePrincipal
    case managedIdentity
    case podIdentity

    /// The credential name Azure SDKs use in their error texts, so messages read like the Go provider's.
    var credentialName: String {
        switch self {
        case .workloadIdentity: return "WorkloadIdentityCredential"
        case .servicePrincipal: return "ClientSecretCredential"
        case .managedIdentity: return "ManagedIdentityCredential"
        case .podIdentity: return "PodIdentityCredential"
        }
    }
}

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
