import AzureCloud
import AzureHTTP
import Foundation

/// Service principal: client id and secret from the node-publish secret (client-secret grant).
public struct ServicePrincipalCredential: TokenCredential, CustomStringConvertible {
    public let identity: CredentialIdentity
    private let request: EntraTokenRequest
    private let clientSecret: String
    private let http: AzureHTTPClient
    public var retryPolicy: RetryPolicy = .standard

    public init(
        environment: AzureEnvironment, tenantID: String, clientID: String, clientSecret: String, http: AzureHTTPClient
    ) throws(AuthError) {
        try EntraTokenRequest.validate(tenantID: tenantID, clientID: clientID, mode: .servicePrincipal)
        guard !clientSecret.isEmpty else {
            throw AuthError(
                kind: .invalidConfiguration, mode: .servicePrincipal,
                description: "ClientSecretCredential: client secret is empty")
        }
        self.identity = CredentialIdentity(
            mode: .servicePrincipal, tenantID: tenantID, authorityHost: environment.authorityHost, clientID: clientID,
            material: [clientSecret])
        self.request = EntraTokenRequest(
            mode: .servicePrincipal, authorityHost: environment.authorityHost, tenantID: tenantID, clientID: clientID)
        self.clientSecret = clientSecret
        self.http = http
    }

    public func fetchToken(scope: String, deadline: ContinuousClock.Instant) async throws(AuthError) -> AccessToken {
        try await request.fetch(
            grant: [("client_secret", clientSecret)], scope: scope, http: http, policy: retryPolicy, deadline: deadline)
    }
}
