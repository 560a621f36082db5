import AzureAuth
import KeyVaultClient
import KeyVaultContent
import ProviderParameters

/// Turns the lower layers' typed errors into the gRPC-facing `MountError`, keeping the Go provider's
/// wording. None of the lower errors carries a secret or token, so their text is safe to pass on.
enum MountErrorMapping {
    static func parameters(_ error: ParameterError) -> MountError {
        MountError(.invalidArgument, error.description)
    }

    static func credential(_ error: AuthError) -> MountError {
        MountError(kind(of: error), "failed to get credentials: \(error.description)")
    }

    static func fetch(_ error: KeyVaultError, object: KeyVaultObject, version: String) -> MountError {
        MountError(kind(of: error), "failed to get \(object.describedForErrors(version: version)): \(error.reason)")
    }

    static func content(_ error: ContentError, object: KeyVaultObject, version: String) -> MountError {
        MountError(
            .invalidArgument, "failed to get \(object.describedForErrors(version: version)): \(error.description)")
    }

    static func kind(of error: KeyVaultError) -> MountError.Kind {
        if error.isDeadlineExceeded { return .deadlineExceeded }
        switch error.kind {
        case .service:
            switch error.status ?? 0 {
            case 400: return .invalidArgument
            case 401: return .unauthenticated
            case 403: return .permissionDenied
            case 404: return .notFound
            case 429: return .resourceExhausted
            case 408, 500...599: return .unavailable
            default: return .internalError
            }
        case .authentication:
            return error.authError.map(kind(of:)) ?? .unauthenticated
        case .transport, .cancelled:
            return .unavailable
        case .proxyRefused:
            // A configuration error no retry fixes; not UNAVAILABLE, which the driver retries at once.
            return .permissionDenied
        case .invalidRequest:
            return .invalidArgument
        case .malformedResponse, .invalidNextLink, .challengeRejected:
            return .internalError
        }
    }

    static func kind(of error: AuthError) -> MountError.Kind {
        if error.isDeadlineExceeded { return .deadlineExceeded }
        switch error.kind {
        case .transport: return .unavailable
        case .invalidConfiguration: return .invalidArgument
        case .proxyRefused: return .permissionDenied
        case .rejected:
            if error.status == 429 { return .resourceExhausted }
            if let status = error.status, status >= 500 { return .unavailable }
            return .unauthenticated
        case .malformedResponse: return .internalError
        }
    }
}
