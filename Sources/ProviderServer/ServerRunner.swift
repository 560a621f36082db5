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

/// Runs the provider until SIGTERM or SIGINT: the gRPC services on the Unix socket, `/healthz` and, when given,
/// `/metrics`.
public enum ServerRunner {
    /// A client of `/healthz` or `/metrics` gets this long to send its request (on top of a health check's own
    /// timeout): the ports are open to the node's network, so idle clients must not pile up.
    static let requestTimeout: Duration = .seconds(10)

    public static func run(
        settings: ServerSettings, mounter: any MountHandler, metrics: MetricsEndpoint? = nil, logger: Logger
    ) async throws {
        // Owner-only from the first instant: the socket is created by bind() under this mask, so there
        // is no window in which another user could connect. The provider writes no other files.
        umask(0o077)
        if try settings.endpoint.prepare() {
            logger.info("removed stale socket", metadata: ["path": "\(settings.endpoint.path)"])
        }

        let healthzEndpoint = HealthzEndpoint(
            path: settings.healthzPath,
            probe: HealthProbe(socketPath: settings.endpoint.path, timeout: settings.healthzTimeout), logger: logger)
        let healthz = try await listen(
            host: settings.healthzHost, port: settings.healthzPort, flag: "--healthz-port",
            timeout: requestTimeout + settings.healthzTimeout, logger: logger,
            respond: { await healthzEndpoint.answer(method: $0, path: $1) })
        var httpServers = [healthz]
        if let metrics {
            httpServers.append(
                try await listen(
                    host: settings.metricsHost, port: settings.metricsPort, flag: "--prometheus-port",
                    timeout: requestTimeout, logger: logger, respond: { metrics.answer(method: $0, path: $1) }))
        }

        let draining = Draining()
        let grpcServer = GRPCServer(
            transport: .http2NIOPosix(
                address: .unixDomainSocket(path: settings.endpoint.path), transportSecurity: .plaintext),
            services: [CSIDriverProviderService(mounter: mounter, draining: draining), HealthService()])

        var group = ServiceGroupConfiguration(
            services: [
                .init(
                    service: GRPCServerService(
                        server: grpcServer, socketPath: settings.endpoint.path, draining: draining, logger: logger))
            ] + httpServers.map { .init(service: PlainHTTPService(server: $0)) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        group.maximumGracefulShutdownDuration = settings.shutdownGracePeriod
        logger.info("healthz listening", metadata: ["port": "\(healthz.port)", "path": "\(settings.healthzPath)"])
        if metrics != nil {
            logger.info(
                "metrics listening", metadata: ["port": "\(httpServers[1].port)", "path": "\(MetricsEndpoint.path)"])
        }
        defer { removeSocket(at: settings.endpoint.path) }
        try await ServiceGroup(configuration: group).run()
        logger.info("provider stopped")
    }

    /// Binds an HTTP endpoint; a port in use is a start-up error naming the flag.
    private static func listen(
        host: String, port: Int, flag: String, timeout: Duration, logger: Logger,
        respond: @escaping PlainHTTPServer.Responder
    ) async throws -> PlainHTTPServer {
        do {
            return try await PlainHTTPServer(
                host: host, port: port, requestTimeout: timeout, logger: logger, respond: respond)
        } catch {
            throw EndpointError("cannot listen on \(flag) \(port): \(error)")
        }
    }

    /// NIO removes the socket when the listener closes; this covers the paths where it could not.
    private static func removeSocket(at path: String) {
        var status = stat()
        if lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFSOCK {
            unlink(path)
        }
    }
}
