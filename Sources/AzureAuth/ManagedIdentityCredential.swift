import AzureHTTP
import Foundation

/// VM / VMSS managed identity through the Instance Metadata Service: system-assigned, or user-assigned
/// selected by client id (the Go provider's `userAssignedIdentityID`). Plain HTTP to a link-local address.
public struct ManagedIdentityCredential: TokenCredential, CustomStringConvertible {
    public static let imdsEndpoint = "http://169.254.169.254"
    static let apiVersion = "2018-02-01"

    public let identity: CredentialIdentity
    private let userAssignedClientID: String?
    private let endpoint: String
    private let http: AzureHTTPClient
    public var retryPolicy: RetryPolicy = .imds

    /// - Parameter userAssignedClientID: empty or nil for the system-assigned identity.
    public init(userAssignedClientID: String?, http: AzureHTTPClient) {
        self.init(userAssignedClientID: userAssignedClientID, http: http, endpoint: Self.imdsEndpoint)
    }

    /// `endpoint` replaces IMDS's address (tests).
    package init(userAssignedClientID: String?, http: AzureHTTPClient, endpoint: String) {
        let clientID = userAssignedClientID?.trimmingCharacters(in: .whitespaces) ?? ""
        self.userAssignedClientID = clientID.isEmpty ? nil : clientID
        self.identity = CredentialIdentity(
            mode: .managedIdentity, tenantID: "", authorityHost: endpoint, clientID: clientID, material: [clientID])
        self.endpoint = endpoint
        self.http = http
    }

    public func fetchToken(scope: String, deadline: ContinuousClock.Instant) async throws(AuthError) -> AccessToken {
        var query = "api-version=\(Self.apiVersion)&resource=\(PercentEncoding.queryValue(resource(forScope: scope)))"
        if let userAssignedClientID { query += "&client_id=\(PercentEncoding.queryValue(userAssignedClientID))" }
        let url = "\(endpoint)/metadata/identity/oauth2/token?\(query)"
        let response: AzureHTTPResponse
        do throws(AzureHTTPError) {
            response = try await http.send(
                AzureHTTPRequest(url: url, headers: [("Metadata", "true")]), policy: retryPolicy, deadline: deadline)
        } catch {
            throw AuthError.transport(.managedIdentity, error)
        }
        let which = userAssignedClientID.map { "user-assigned identity \($0)" } ?? "system-assigned identity"
        let prefix =
            "ManagedIdentityCredential authentication failed for \(which): GET \(endpoint)/metadata/identity/oauth2/token"
        guard response.isSuccess else { throw AuthError.rejected(response, mode: .managedIdentity, prefix: prefix) }
        guard let fields = try? JSONDecoder().decode(OAuthTokenFields.self, from: Data(response.body)),
            let token = fields.accessToken(now: Date())
        else {
            throw AuthError(
                kind: .malformedResponse, mode: .managedIdentity, status: response.status,
                description: "\(prefix): the response has no access_token with expires_on or expires_in")
        }
        return token
    }
}

/// IMDS and NMI take a resource, not a scope: `https://vault.azure.net/.default` -> `https://vault.azure.net`.
func resource(forScope scope: String) -> String {
    scope.hasSuffix("/.default") ? String(scope.dropLast("/.default".count)) : scope
}
