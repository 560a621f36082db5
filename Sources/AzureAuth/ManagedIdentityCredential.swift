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
        var query = "api-version=\(Self.apiVersion)&resource=\(Self.queryEscape(resource(forScope: scope)))"
        if let userAssignedClientID { query += "&client_id=\(Self.queryEscape(userAssignedClientID))" }
        let url = "\(endpoint)/metadata/identity/oauth2/token?\(query)"
        let response: AzureHTTPResponse
        do throws(AzureHTTPError) {
            response = try await http.send(AzureHTTPRequest(url: url, headers: [("Metadata", "true")]), policy: retryPolicy, deadline: deadline)
        } catch {
            throw AuthError.transport(.managedIdentity, error)
        }
        let which = userAssignedClientID.map { "user-assigned identity \($0)" } ?? "system-assigned identity"
        let prefix = "ManagedIdentityCredential authentication failed for \(which): GET \(endpoint)/metadata/identity/oauth2/token"
        guard response.isSuccess else {
            let fields = try? JSONDecoder().decode(OAuthErrorFields.self, from: Data(response.body))
            let code = fields?.error.map { Redaction.scrub($0) }
            var text = "\(prefix): status \(response.status)"
            if let code { text += ", error: \(code)" }
            if let summary = fields?.summary { text += ", \(Redaction.scrub(summary))" }
            throw AuthError(kind: .rejected, mode: .managedIdentity, status: response.status, errorCode: code, description: text)
        }
        guard let fields = try? JSONDecoder().decode(OAuthTokenFields.self, from: Data(response.body)), let token = fields.accessToken(now: Date()) else {
            throw AuthError(kind: .malformedResponse, mode: .managedIdentity, status: response.status, description: "\(prefix): the response has no access_token with expires_on or expires_in")
        }
        return token
    }
}

extension ManagedIdentityCredential {
    /// Query-value encoding: `:` and `/` may stay (they do in `resource=https://...`), the separators may not.
    static func queryEscape(_ value: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#?")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// IMDS and NMI take a resource, not a scope: `https://vault.azure.net/.default` -> `https://vault.azure.net`.
func resource(forScope scope: String) -> String {
    scope.hasSuffix("/.default") ? String(scope.dropLast("/.default".count)) : scope
}
