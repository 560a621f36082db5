import ArgumentParser
import AzureHTTP
import Logging
import MountPipeline
import ProviderServer

/// `serve` (the default): the provider API on a Unix socket, until SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the provider API on a Unix socket (the default subcommand).")

    @Option(help: "The socket to serve on, unix://<path>. The driver looks for <providers dir>/azure.sock.")
    var endpoint: String = ServerSettings.defaultEndpoint

    @Option(name: .customLong("healthz-port"), help: "Port of the HTTP liveness endpoint.")
    var healthzPort: Int = ServerSettings.defaultHealthzPort

    @Option(name: .customLong("healthz-path"), help: "Path of the HTTP liveness endpoint.")
    var healthzPath: String = ServerSettings.defaultHealthzPath

    @Option(
        name: .customLong("healthz-timeout"),
        help: "Timeout of the health check /healthz makes over the socket (Go duration).")
    var healthzTimeout = DurationFlag(ServerSettings.defaultHealthzTimeout)

    @Option(name: .customLong("metrics-backend"), help: "Metrics backend; only prometheus is supported.")
    var metricsBackend: String = "prometheus"

    @Option(name: .customLong("prometheus-port"), help: "Port of the Prometheus /metrics endpoint.")
    var prometheusPort: Int = ServerSettings.defaultMetricsPort

    @Option(name: .customLong("metrics-bind-address"), help: "Address /metrics listens on (all interfaces by default).")
    var metricsBindAddress: String = ServerSettings.defaultMetricsHost

    @Option(
        name: .customLong("metrics-object-names"),
        help:
            "Label keyvault_request with object names (true|false): one series per object, unbounded, so off by default."
    )
    var metricsObjectNames = BoolFlag(PipelineSettings().metricsObjectNames)

    @Option(
        name: .customLong("shutdown-grace-period"),
        help: "How long in-flight mounts may finish after SIGTERM (Go duration).")
    var shutdownGracePeriod = DurationFlag(ServerSettings.defaultShutdownGracePeriod)

    @OptionGroup var pipeline: PipelineOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        do {
            _ = try UnixSocketEndpoint(parsing: endpoint)
        } catch {
            throw ValidationError("--endpoint: \(error)")
        }
        for (name, port) in [("--healthz-port", healthzPort), ("--prometheus-port", prometheusPort)] {
            guard (1...65535).contains(port) else {
                throw ValidationError("\(name) must be between 1 and 65535, got \(port)")
            }
        }
        guard healthzPath.hasPrefix("/") else {
            throw ValidationError("--healthz-path must start with /, got \"\(healthzPath)\"")
        }
        guard metricsBackend.lowercased() == "prometheus" else {
            throw ValidationError("--metrics-backend \"\(metricsBackend)\" is not supported; use prometheus")
        }
    }

    func run() async throws {
        ProcessHeap.limitArenas()
        let logger = logging.bootstrap()
        let serverSettings = ServerSettings(
            endpoint: try UnixSocketEndpoint(parsing: endpoint), healthzPort: healthzPort, healthzPath: healthzPath,
            healthzTimeout: healthzTimeout.duration, shutdownGracePeriod: shutdownGracePeriod.duration,
            metricsHost: metricsBindAddress, metricsPort: prometheusPort)
        let metrics = PrometheusExport()
        logger.info("starting", metadata: ["version": "\(ProviderInfo.version)", "endpoint": "\(endpoint)"])
        let mounter: KeyVaultMounter
        let http: AzureHTTPClient
        do {
            // One pooled client for the process: connections to Entra ID and Key Vault are reused across mounts.
            (mounter, http) = try pipeline.makeMounter(metricsObjectNames: metricsObjectNames.value, logger: logger)
        } catch {
            logger.critical("cannot configure HTTPS", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        var failure: (any Error)?
        do {
            try await ServerRunner.run(
                settings: serverSettings, mounter: mounter, metrics: MetricsEndpoint(render: metrics.render),
                logger: logger)
        } catch {
            failure = error
        }
        await Self.close(http, waitingAtMost: .milliseconds(500))
        if let failure {
            let what = failure is EndpointError ? "cannot listen" : "provider failed"
            logger.critical("\(what)", metadata: ["error": "\(failure)"])
            throw ExitCode.failure
        }
    }

    /// Closes the pooled connections, but never holds the exit back: a connection stuck in a hung request would
    /// keep `shutdown()` waiting past the grace period kubelet sized on `--shutdown-grace-period`.
    static func close(_ http: AzureHTTPClient, waitingAtMost limit: Duration) async {
        let closed = SharedFlight<Void, Never>()
        Task {
            try? await http.shutdown()
            closed.finish(.success(()))
        }
        _ = await closed.wait(until: .now + limit, timedOut: .success(()), cancelled: .success(()))
    }
}
