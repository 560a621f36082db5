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
}
