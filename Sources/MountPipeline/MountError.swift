/// Why a mount failed. `kind` chooses the gRPC status; `message` is what the user reads in the pod's
/// events, so it names the field or object and never holds a secret value or token.
public struct MountError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The request or the SecretProviderClass is wrong: retrying will not help.
        case invalidArgument
        /// Key Vault or the identity provider refused the caller.
        case permissionDenied
        /// Authentication failed (no token could be acquired).
        case unauthenticated
        /// An object does not exist.
        case notFound
        /// Key Vault or the identity service kept throttling (429) after this provider's own retries.
        /// Not UNAVAILABLE: the driver retries UNAVAILABLE at once, which would only add load to a
        /// throttled vault.
        case resourceExhausted
        /// A dependency is temporarily unavailable (5xx, network) after this provider's own retries.
        case unavailable
        /// The mount ran out of time.
        case deadlineExceeded
        /// A bug or an answer this provider cannot handle.
        case internalError
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

extension MountError.Kind {
    /// The gRPC status name the kind becomes, for logs and metrics.
    public var statusName: String {
        switch self {
        case .invalidArgument: return "INVALID_ARGUMENT"
        case .permissionDenied: return "PERMISSION_DENIED"
        case .unauthenticated: return "UNAUTHENTICATED"
        case .notFound: return "NOT_FOUND"
        case .resourceExhausted: return "RESOURCE_EXHAUSTED"
        case .unavailable: return "UNAVAILABLE"
        case .deadlineExceeded: return "DEADLINE_EXCEEDED"
        case .internalError: return "INTERNAL"
        }
    }
}
