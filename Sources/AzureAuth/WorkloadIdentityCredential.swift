import AzureCloud
import AzureHTTP
import Foundation

/// Workload identity: the pod's service-account token, issued by the driver for `api://AzureADTokenExchange`,
/// is exchanged at Entra ID through a federated identity credential (client-assertion grant).
public struct WorkloadIdentityCredential: TokenCredential, CustomStringConvertible {
    public let identity: CredentialIdentity
    private let request: EntraTokenRequest
    private let serviceAccountToken: String
    private let serviceAccountTokenExpiry: Date?
    private let http: AzureHTTPClient
    public var retryPolicy: RetryPolicy = .standard

    /// - Parameter serviceAccountTokenExpiry: `expirationTimestamp` from the driver; when nil, the JWT's `exp`.
    public init(
        environment: AzureEnvironment, tenantID: String, clientID: String,
        serviceAccountToken: String, serviceAccountTokenExpiry: Date? = nil, http: AzureHTTPClient
    ) throws(AuthError) {
        try EntraTokenRequest.validate(tenantID: tenantID, clientID: clientID, mode: .workloadIdentity)
        guard !serviceAccountToken.isEmpty else {
            throw AuthError(
                kind: .invalidConfiguration, mode: .workloadIdentity,
                description:
                    "WorkloadIdentityCredential: no service account token for audience api://AzureADTokenExchange in the mount request"
            )
        }
        self.identity = CredentialIdentity(
            mode: .workloadIdentity, tenantID: tenantID, authorityHost: environment.authorityHost, clientID: clientID,
            material: [serviceAccountToken])
        self.request = EntraTokenRequest(
            mode: .workloadIdentity, authorityHost: environment.authorityHost, tenantID: tenantID, clientID: clientID)
        self.serviceAccountToken = serviceAccountToken
        self.serviceAccountTokenExpiry = serviceAccountTokenExpiry ?? JWTExpiry.expiry(of: serviceAccountToken)
        self.http = http
    }

    /// The token is never valid longer than the assertion that bought it: once the service-account token
    /// expires, the pod's right to this identity is no longer proven.
    public func fetchToken(scope: String, deadline: ContinuousClock.Instant) async throws(AuthError) -> AccessToken {
        var token = try await request.fetch(
            grant: [
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", serviceAccountToken),
            ],
            scope: scope, http: http, policy: retryPolicy, deadline: deadline)
        if let serviceAccountTokenExpiry, serviceAccountTokenExpiry < token.expiresOn {
            token.expiresOn = serviceAccountTokenExpiry
        }
        return token
    }
}
