import AzureHTTP
import Foundation

/// AKS identity binding (`useAzureTokenProxy`): workload identity's client-assertion grant, with the pod's
/// `api://AKSIdentityBinding` token as the assertion, sent to the cluster's token proxy instead of Entra ID.
/// The proxy holds the managed identity's one federated credential and forwards the exchange to Entra ID.
/// The request is the one azidentity would send to Entra ID, only its scheme, host and port rewritten and the
/// proxy URL's path put in front of `<tenant>/oauth2/v2.0/token`.
public struct IdentityBindingCredential: TokenCredential, CustomStringConvertible {
    public let identity: CredentialIdentity
    private let tenantID: String
    private let clientID: String
    private let serviceAccountToken: String
    private let serviceAccountTokenExpiry: Date?
    private let proxy: TokenProxyTransport
    public var retryPolicy: RetryPolicy = .standard

    /// - Parameter serviceAccountTokenExpiry: `expirationTimestamp` from the driver; when nil, the JWT's `exp`.
    public init(
        tenantID: String, clientID: String, serviceAccountToken: String, serviceAccountTokenExpiry: Date? = nil,
        proxy: TokenProxyTransport
    ) throws(AuthError) {
        try EntraTokenRequest.validate(tenantID: tenantID, clientID: clientID, mode: .identityBinding)
        guard !serviceAccountToken.isEmpty else {
            throw AuthError(
                kind: .invalidConfiguration, mode: .identityBinding,
                description:
                    "IdentityBindingCredential: no service account token for audience api://AKSIdentityBinding in the mount request"
            )
        }
        // The proxy URL stands where the authority would: tokens from two proxies are never mixed up.
        self.identity = CredentialIdentity(
            mode: .identityBinding, tenantID: tenantID, authorityHost: proxy.settings.url, clientID: clientID,
            material: [serviceAccountToken])
        self.tenantID = tenantID
        self.clientID = clientID
        self.serviceAccountToken = serviceAccountToken
        self.serviceAccountTokenExpiry = serviceAccountTokenExpiry ?? JWTExpiry.expiry(of: serviceAccountToken)
        self.proxy = proxy
    }

    /// Like workload identity, the token never outlives the service-account token that bought it.
    public func fetchToken(scope: String, deadline: ContinuousClock.Instant) async throws(AuthError) -> AccessToken {
        let connection = try await proxy.connection(deadline: deadline)
        // `EntraTokenRequest` appends `<tenant>/oauth2/v2.0/token` (or AD FS's path) to its authority.
        let authority = connection.endpoint.tokenURL(serverName: connection.serverName, tenantPath: "")
        let request = EntraTokenRequest(
            mode: .identityBinding, authorityHost: authority, tenantID: tenantID, clientID: clientID)
        var token: AccessToken
        do throws(AuthError) {
            token = try await request.fetch(
                grant: [
                    ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                    ("client_assertion", serviceAccountToken),
                ],
                scope: scope, http: connection.client, policy: retryPolicy, deadline: deadline)
        } catch {
            // The URL names the TLS server name; say where the connection went and what it trusted.
            var error = error
            if error.kind == .transport {
                error.description +=
                    " (token proxy \(proxy.settings.url), TLS server name \(connection.serverName),"
                    + " CA file \(proxy.settings.caFile))"
            }
            throw error
        }
        if let serviceAccountTokenExpiry, serviceAccountTokenExpiry < token.expiresOn {
            token.expiresOn = serviceAccountTokenExpiry
        }
        return token
    }
}
