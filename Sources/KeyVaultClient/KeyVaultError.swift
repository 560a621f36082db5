import AzureAuth
import AzureHTTP

/// Why a Key Vault read failed. `reason` is what the mount pipeline appends to the Go provider's prefix
/// (`failed to get objectType:secret, objectName:x, objectVersion:: <reason>`): status, Key Vault's error
/// code and message. It never contains a token or a secret value.
public struct KeyVaultError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Key Vault answered with an error status (404 not found, 403 forbidden, 401, 429 after retries...).
        case service
        /// No token could be had.
        case authentication
        /// No answer: connection, TLS, timeout.
        case transport
        /// A 2xx answer whose body is not the expected JSON.
        case malformedResponse
        /// A `nextLink` pointing away from the vault, or a listing that does not end.
        case invalidNextLink
        /// A 401 challenge naming a resource that is not the vault's domain.
        case challengeRejected
        /// Bad client parameters (vault name).
        case invalidRequest
        /// The HTTPS proxy refused the configured credentials (407).
        case proxyRefused
        /// The read's task was cancelled (its mount was cancelled).
        case cancelled
    }

    public var kind: Kind
    /// HTTP status from Key Vault, when there was a response.
    public var status: Int?
    /// Key Vault's `error.code` (or `x-ms-error-code`), e.g. `SecretNotFound`, `Forbidden`.
    public var code: String?
    /// `error.innererror.code`, e.g. `ForbiddenByRbac`, `SecretDisabled`.
    public var innerCode: String?
    /// Key Vault's `error.message`, or what went wrong locally.
    public var message: String
    /// Set for `.authentication`.
    public var authError: AuthError?
    /// The caller's deadline ran out (`.transport`, or `.authentication` while getting the token): the read
    /// was out of time, as opposed to a vault or identity service that failed or did not answer in time.
    public var isDeadlineExceeded: Bool

    public init(
        kind: Kind, status: Int? = nil, code: String? = nil, innerCode: String? = nil, message: String,
        authError: AuthError? = nil, isDeadlineExceeded: Bool = false
    ) {
        self.kind = kind
        self.status = status
        self.code = code
        self.innerCode = innerCode
        self.message = message
        self.authError = authError
        self.isDeadlineExceeded = isDeadlineExceeded
    }

    /// e.g. `status 404, code SecretNotFound: A secret with (name/id) x was not found in this key vault.`
    public var reason: String {
        switch kind {
        case .service:
            var text = status.map { "status \($0)" } ?? "error"
            if let code {
                text += ", code \(code)"
                if let innerCode, innerCode != code { text += " (\(innerCode))" }
            }
            return message.isEmpty ? text : "\(text): \(message)"
        case .authentication, .transport, .malformedResponse, .invalidNextLink, .challengeRejected, .invalidRequest,
            .proxyRefused, .cancelled:
            return message
        }
    }

    /// Same as `reason`: the pipeline adds the object prefix.
    public var description: String { reason }
}
