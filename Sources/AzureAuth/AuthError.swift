import AzureHTTP

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
    }

    public var kind: Kind
    public var mode: IdentityMode?
    /// HTTP status from the identity endpoint, when there was one.
    public var status: Int?
    /// Entra's `error` (e.g. `invalid_client`) or IMDS's.
    public var errorCode: String?
    public var description: String

    public init(kind: Kind, mode: IdentityMode?, status: Int? = nil, errorCode: String? = nil, description: String) {
        self.kind = kind
        self.mode = mode
        self.status = status
        self.errorCode = errorCode
        self.description = description
    }

    /// `useAzureTokenProxy` (AKS identity bindings): the wire protocol is not public enough to copy faithfully.
    public static let identityBindingNotSupported = AuthError(
        kind: .invalidConfiguration, mode: nil,
        description: "identity binding (useAzureTokenProxy) is not supported yet by this provider")

    static func transport(_ mode: IdentityMode, _ error: AzureHTTPError) -> AuthError {
        AuthError(kind: .transport, mode: mode, description: "\(mode.credentialName): \(error)")
    }
}
