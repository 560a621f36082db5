import AzureCloud
import AzureHTTP
import Foundation

/// The OAuth2 client-credentials request to Entra ID shared by workload identity (client assertion) and
/// service principal (client secret). No tenant discovery round trip: the token endpoint's path is fixed.
struct EntraTokenRequest: Sendable {
    let mode: IdentityMode
    let authorityHost: String
    let tenantID: String
    let clientID: String

    /// Validated like azidentity: a tenant is a GUID or a domain name, so it cannot bend the URL.
    static func validate(tenantID: String, clientID: String, mode: IdentityMode) throws(AuthError) {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")
        guard !tenantID.isEmpty, tenantID.unicodeScalars.allSatisfy(allowed.contains) else {
            throw AuthError(
                kind: .invalidConfiguration, mode: mode,
                description: "\(mode.credentialName): invalid tenantID \"\(tenantID)\": use a GUID or a domain name")
        }
        guard !clientID.isEmpty else {
            throw AuthError(
                kind: .invalidConfiguration, mode: mode, description: "\(mode.credentialName): clientID is empty")
        }
    }

    /// `{authority}{tenant}/oauth2/v2.0/token`; AD FS (tenant `adfs`, Azure Stack Hub) has its own path.
    var tokenURL: String {
        tenantID.lowercased() == "adfs"
            ? "\(authorityHost)adfs/oauth2/token" : "\(authorityHost)\(tenantID)/oauth2/v2.0/token"
    }

    func fetch(
        grant: [(String, String)], scope: String, http: AzureHTTPClient, policy: RetryPolicy,
        deadline: ContinuousClock.Instant
    ) async throws(AuthError) -> AccessToken {
        let form = ([("grant_type", "client_credentials"), ("client_id", clientID)] + grant + [("scope", scope)])
            .map { "\(PercentEncoding.component($0.0))=\(PercentEncoding.component($0.1))" }.joined(separator: "&")
        let request = AzureHTTPRequest(
            method: .post, url: tokenURL,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(form.utf8))
        let response: AzureHTTPResponse
        do throws(AzureHTTPError) {
            response = try await http.send(request, policy: policy, deadline: deadline)
        } catch {
            throw AuthError.transport(mode, error)
        }
        let prefix = "\(mode.credentialName) authentication failed: POST \(tokenURL)"
        guard response.isSuccess else { throw AuthError.rejected(response, mode: mode, prefix: prefix) }
        guard let fields = try? JSONDecoder().decode(OAuthTokenFields.self, from: Data(response.body)),
            let token = fields.accessToken(now: Date())
        else {
            throw AuthError(
                kind: .malformedResponse, mode: mode, status: response.status,
                description: "\(prefix): the response has no access_token with expires_in")
        }
        return token
    }
}
