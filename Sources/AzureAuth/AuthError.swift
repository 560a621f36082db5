import AzureHTTP
import Foundation

/// Why no token could be had. The text names the credential, the endpoint, the HTTP status and Entra's
/// error code and first description line (`AADSTS...`). It never contains a token, a client secret or a
/// service-account token; remote bodies are scrubbed (`Redaction`) before they are quoted.
public struct AuthError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The identity service answered with an error status.
        case rejected
        /// No answer (connection, TLS, timeout).
        case transport
        /// An answer that could not be read.
        case malformedResponse
        /// The parameters cannot work (bad tenant id, empty client id, unsupported mode).
        case invalidConfiguration
        /// The HTTPS proxy refused the configured credentials (407).
        case proxyRefused
    }

    public var kind: Kind
    public var mode: IdentityMode?
    /// HTTP status from the identity endpoint, when there was one.
    public var status: Int?
    /// Entra's `error` (e.g. `invalid_client`) or IMDS's.
    public var errorCode: String?
    /// The caller's deadline ran out (a `.transport` error): the operation was out of time, the identity
    /// service is not known to be down. A per-request timeout or connection failure leaves it false.
    public var isDeadlineExceeded: Bool
    public var description: String

    public init(
        kind: Kind, mode: IdentityMode?, status: Int? = nil, errorCode: String? = nil, isDeadlineExceeded: Bool = false,
        description: String
    ) {
        self.kind = kind
        self.mode = mode
        self.status = status
        self.errorCode = errorCode
        self.isDeadlineExceeded = isDeadlineExceeded
        self.description = description
    }

    static func transport(_ mode: IdentityMode, _ error: AzureHTTPError) -> AuthError {
        AuthError(
            kind: error.kind == .proxyRefused ? .proxyRefused : .transport, mode: mode,
            isDeadlineExceeded: error.kind == .deadlineExceeded, description: "\(mode.credentialName): \(error)")
    }

    /// An OAuth error answer (Entra ID, IMDS): `<prefix>: status <n>, error: <code>, <first description line>`.
    static func rejected(_ response: AzureHTTPResponse, mode: IdentityMode, prefix: String) -> AuthError {
        let fields = try? JSONDecoder().decode(OAuthErrorFields.self, from: Data(response.body))
        let code = fields?.error.map { Redaction.scrub($0) }
        var text = "\(prefix): status \(response.status)"
        if let code { text += ", error: \(code)" }
        if let summary = fields?.summary { text += ", \(Redaction.scrub(summary))" }
        return AuthError(kind: .rejected, mode: mode, status: response.status, errorCode: code, description: text)
    }
}
