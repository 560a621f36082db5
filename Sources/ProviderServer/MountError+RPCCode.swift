import GRPCCore
import MountPipeline

extension MountError.Kind {
    /// The gRPC status a failed mount answers with. The driver fails the mount on any of them; the codes
    /// tell operators (and the driver's retry on UNAVAILABLE) what kind of failure it was.
    var rpcCode: RPCError.Code {
        switch self {
        case .invalidArgument: return .invalidArgument
        case .permissionDenied: return .permissionDenied
        case .unauthenticated: return .unauthenticated
        case .notFound: return .notFound
        case .resourceExhausted: return .resourceExhausted
        case .unavailable: return .unavailable
        case .deadlineExceeded: return .deadlineExceeded
        case .internalError: return .internalError
        }
    }

    /// The code as the Go provider's `grpc_code` metric label spells it (Go's `codes.Code.String()`).
    var goCodeName: String {
        switch self {
        case .invalidArgument: return "InvalidArgument"
        case .permissionDenied: return "PermissionDenied"
        case .unauthenticated: return "Unauthenticated"
        case .notFound: return "NotFound"
        case .resourceExhausted: return "ResourceExhausted"
        case .unavailable: return "Unavailable"
        case .deadlineExceeded: return "DeadlineExceeded"
        case .internalError: return "Internal"
        }
    }
}
