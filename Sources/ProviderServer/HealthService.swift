import GRPCCore
import ProviderAPI

/// `grpc.health.v1.Health` on the provider's socket. The process answers SERVING while it runs, as the
/// Go provider does: a mount's failures are per request, not a health condition.
struct HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
    /// The names Check answers for: the whole server ("") and the provider service.
    static let knownServices: Set<String> = ["", "v1alpha1.CSIDriverProvider"]

    func check(request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext) async throws
        -> Grpc_Health_V1_HealthCheckResponse
    {
        guard Self.knownServices.contains(request.service) else {
            throw RPCError(code: .notFound, message: "unknown service \"\(request.service)\"")
        }
        var response = Grpc_Health_V1_HealthCheckResponse()
        response.status = .serving
        return response
    }

    func list(request: Grpc_Health_V1_HealthListRequest, context: ServerContext) async throws
        -> Grpc_Health_V1_HealthListResponse
    {
        var response = Grpc_Health_V1_HealthListResponse()
        for name in Self.knownServices {
            var status = Grpc_Health_V1_HealthCheckResponse()
            status.status = .serving
            response.statuses[name] = status
        }
        return response
    }

    func watch(
        request: Grpc_Health_V1_HealthCheckRequest,
        response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
        context: ServerContext
    ) async throws {
        // Watch streams never end by themselves and would hold up a graceful shutdown; nothing here
        // changes status, so it is left unimplemented as in the Go provider.
        throw RPCError(code: .unimplemented, message: "Watch is not implemented")
    }
}
