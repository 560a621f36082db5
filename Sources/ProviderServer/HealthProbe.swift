import GRPCCore
import GRPCNIOTransportHTTP2
import ProviderAPI

/// A real `grpc.health.v1.Health/Check` over the provider's own socket, as `/healthz` answers it: the
/// probe passes only if the gRPC server accepts a connection and answers SERVING in time.
public struct HealthProbe: Sendable {
    public var socketPath: String
    public var timeout: Duration

    public init(socketPath: String, timeout: Duration) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    /// `nil` when healthy, else the reason.
    public func failureReason() async -> String? {
        do {
            let status = try await withGRPCClient(
                transport: .http2NIOPosix(target: .unixDomainSocket(path: socketPath), transportSecurity: .plaintext)
            ) { client in
                var options = CallOptions.defaults
                options.timeout = timeout
                let response = try await Grpc_Health_V1_Health.Client(wrapping: client).check(
                    Grpc_Health_V1_HealthCheckRequest(), options: options)
                return response.status
            }
            return status == .serving ? nil : "health check answered \(status)"
        } catch let error as RPCError {
            return "health check failed: \(error.code): \(error.message)"
        } catch {
            return "health check failed: \(error)"
        }
    }
}
