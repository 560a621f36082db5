import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ServiceLifecycle

/// The gRPC server as a lifecycle service: SIGTERM stops accepting, in-flight RPCs finish.
struct GRPCServerService: Service {
    let server: GRPCServer<HTTP2ServerTransport.Posix>
    let socketPath: String
    let draining: Draining
    let logger: Logger

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                // A failed bind surfaces from serve(); this await only reports success.
                if (try? await server.listeningAddress) != nil {
                    logger.info("serving", metadata: ["socket": "\(socketPath)"])
                }
            }
        } onGracefulShutdown: {
            logger.info("shutting down: no new RPCs, in-flight mounts finish")
            draining.begin()
            server.beginGracefulShutdown()
        }
    }
}
