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
            throw AuthError(kind: .invalidConfiguration, mode: mode, description: "\(mode.credentialName): invalid tenantID \"\(tenantID)\": use a GUID or a domain name")
        }
        guard !clientID.isEmpty else {
            throw AuthError(kind: .invalidConfiguration, mode: mode, description: "\(mode.credentialName): clientID is empty")
        }
    }

    /// `{authority}{tenant}/oauth2/v2.0/token`; AD FS (tenant `adfs`, Azure Stack Hub) has its own path.
    var tokenURL: String {
        tenantID.lowercased() == "adfs" ? "\(authorityHost)adfs/oauth2/token" : "\(authorityHost)\(tenantID)/oauth2/v2.0/token"
    }

    func fetch(
        grant: [(String, String)], scope: String, http: AzureHTTPClient, policy: RetryPolicy, deadline: ContinuousClock.Instant
    ) async throws(AuthError) -> AccessToken {
        let form = [("grant_type", "client_credentials"), ("client_id", clientID)] + grant + [("scope", scope)]
        let request = AzureHTTPRequest(
            method: .post, url: tokenURL,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(Self.formEncode(form).utf8))
        let response: AzureHTTPResponse
        do throws(AzureHTTPError) {
            response = try await http.send(request, policy: policy, deadline: deadline)
        } catch {
            throw AuthError.transport(mode, error)
        }
        let prefix = "\(mode.credentialName) authentication failed: POST \(tokenURL)"
        guard response.isSuccess else {
            let fields = try? JSONDecoder().decode(OAuthErrorFields.self, from: Data(response.body))
            let code = fields?.error.map { Redaction.scrub($0) }
            let summary = (fields?.summary).map { Redaction.scrub($0) }
            var text = "\(prefix): status \(response.status)"
            if let code { text += ", error: \(code)" }
            if let summary { text += ", \(summary)" }
            throw AuthError(kind: .rejected, mode: mode, status: response.status, errorCode: code, description: text)
        }
        guard let fields = try? JSONDecoder().decode(OAuthTokenFields.self, from: Data(response.body)),
            let token = fields.accessToken(now: Date())
        else {
            throw AuthError(kind: .malformedResponse, mode: mode, status: response.status, description: "\(prefix): the response has no access_token with expires_in")
        }
        return token
    }

    /// `application/x-www-form-urlencoded` with everything but unreserved characters percent-encoded.
    static func formEncode(_ fields: [(String, String)]) -> String {
        let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }
        return fields.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }
}
