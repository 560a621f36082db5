#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import MountPipeline
import ServiceLifecycle

/// Runs the provider until SIGTERM or SIGINT: the gRPC services on the Unix socket and `/healthz`.
public enum ProviderServer {
    public static func run(configuration: ServerConfiguration, pipeline: any MountHandler, logger: Logger) async throws {
        // Owner-only from the first instant: the socket is created by bind() under this mask, so there
        // is no window in which another user could connect. The provider writes no other files.
        umask(0o077)
        if try configuration.endpoint.prepare() {
            logger.info("removed stale socket", metadata: ["path": "\(configuration.endpoint.path)"])
        }

        let healthz = try await HealthzServer(
            host: configuration.healthzHost, port: configuration.healthzPort, path: configuration.healthzPath,
            probe: HealthProbe(socketPath: configuration.endpoint.path, timeout: configuration.healthzTimeout),
            logger: logger)

        let grpcServer = GRPCServer(
            transport: .http2NIOPosix(
                address: .unixDomainSocket(path: configuration.endpoint.path), transportSecurity: .plaintext),
            services: [CSIDriverProviderService(pipeline: pipeline, logger: logger), HealthService()])

        var groupConfiguration = ServiceGroupConfiguration(
            services: [
                .init(service: GRPCServerService(server: grpcServer, socketPath: configuration.endpoint.path, logger: logger)),
                .init(service: HealthzService(server: healthz)),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownGracePeriod
        logger.info("healthz listening", metadata: ["port": "\(healthz.port)", "path": "\(configuration.healthzPath)"])
        defer { removeSocket(at: configuration.endpoint.path) }
        try await ServiceGroup(configuration: groupConfiguration).run()
        logger.info("provider stopped")
    }

    /// NIO removes the socket when the listener closes; this covers the paths where it could not.
    private static func removeSocket(at path: String) {
        var status = stat()
        if lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFSOCK {
            unlink(path)
        }
    }
}

/// The gRPC server as a lifecycle service: SIGTERM stops accepting, in-flight RPCs finish.
struct GRPCServerService: Service {
    let server: GRPCServer<HTTP2ServerTransport.Posix>
    let socketPath: String
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
            server.beginGracefulShutdown()
        }
    }
}

/// `/healthz` as a lifecycle service.
struct HealthzService: Service {
    let server: HealthzServer

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.run()
        } onGracefulShutdown: {
            server.close()
        }
    }
}
