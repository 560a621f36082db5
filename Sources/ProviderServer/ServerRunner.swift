import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import MountPipeline
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the provider until SIGTERM or SIGINT: the gRPC services on the Unix socket and `/healthz`.
public enum ServerRunner {
    public static func run(settings: ServerSettings, mounter: any MountHandler, logger: Logger) async throws {
        // Owner-only from the first instant: the socket is created by bind() under this mask, so there
        // is no window in which another user could connect. The provider writes no other files.
        umask(0o077)
        if try settings.endpoint.prepare() {
            logger.info("removed stale socket", metadata: ["path": "\(settings.endpoint.path)"])
        }

        let healthz: HealthzServer
        do {
            healthz = try await HealthzServer(
                host: settings.healthzHost, port: settings.healthzPort, path: settings.healthzPath,
                probe: HealthProbe(socketPath: settings.endpoint.path, timeout: settings.healthzTimeout),
                logger: logger)
        } catch {
            throw EndpointError("cannot listen on --healthz-port \(settings.healthzPort): \(error)")
        }

        let grpcServer = GRPCServer(
            transport: .http2NIOPosix(
                address: .unixDomainSocket(path: settings.endpoint.path), transportSecurity: .plaintext),
            services: [CSIDriverProviderService(mounter: mounter), HealthService()])

        var group = ServiceGroupConfiguration(
            services: [
                .init(
                    service: GRPCServerService(server: grpcServer, socketPath: settings.endpoint.path, logger: logger)),
                .init(service: HealthzService(server: healthz)),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        group.maximumGracefulShutdownDuration = settings.shutdownGracePeriod
        logger.info("healthz listening", metadata: ["port": "\(healthz.port)", "path": "\(settings.healthzPath)"])
        defer { removeSocket(at: settings.endpoint.path) }
        try await ServiceGroup(configuration: group).run()
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
