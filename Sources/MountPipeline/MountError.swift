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
        /// A dependency is temporarily unavailable (throttled, 5xx, network).
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
