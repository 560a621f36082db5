import ArgumentParser
import AzureAuth
import AzureCloud
import AzureHTTP
import KeyVaultContent
import Logging
import MountPipeline
import ProviderParameters
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

    @Option(
        name: .customLong("prometheus-port"),
        help: "Port for Prometheus metrics (accepted for compatibility; metrics are not served yet).")
    var prometheusPort: Int = 8898

    @Option(
        name: .customLong("construct-pem-chain"),
        help: "Order certificate chains leaf -> intermediates -> root (true|false).")
    var constructPEMChain = BoolFlag(ContentSettings().constructPEMChain)

    @Option(
        name: .customLong("write-cert-and-key-in-separate-files"),
        help: "Also write <file>.crt and <file>.key for certificate-backed secrets (true|false).")
    var writeCertAndKeyInSeparateFiles = BoolFlag(ContentSettings().writeCertAndKeyInSeparateFiles)

    @Option(
        name: .customLong("cloud-name"),
        help:
            "Cloud for classes without cloudName: AzurePublicCloud, AzureUSGovernmentCloud, AzureChinaCloud, AzureGermanCloud."
    )
    var cloudName: String = ParameterSettings().defaultCloudName.rawValue

    @Option(name: .customLong("nmi-port"), help: "Port of aad-pod-identity's NMI on localhost, for usePodIdentity.")
    var nmiPort: Int = PodIdentityCredential.defaultPort

    @Option(
        name: .customLong("extra-ca-bundle"),
        help:
            "PEM file of CA certificates trusted in addition to the system roots (Azure Stack Hub, TLS-inspecting proxies). SSL_CERT_FILE and SSL_CERT_DIR are honoured too."
    )
    var extraCABundle: String?

    @Option(name: .customLong("custom-user-agent"), help: "Appended to the User-Agent of requests to Azure.")
    var customUserAgent: String?

    @Option(name: .customLong("mount-timeout"), help: "The longest one mount may take (Go duration).")
    var mountTimeout = DurationFlag(PipelineSettings.defaultMountTimeout)

    @Option(
        name: .customLong("shutdown-grace-period"),
        help: "How long in-flight mounts may finish after SIGTERM (Go duration).")
    var shutdownGracePeriod = DurationFlag(ServerSettings.defaultShutdownGracePeriod)

    @Option(
        name: .customLong("max-requests-per-vault"),
        help:
            "Key Vault requests in flight to one vault at once, all mounts together; also the HTTPS connections kept per host."
    )
    var maxRequestsPerVault: Int = HTTPClientSettings.defaultConnectionsPerHost

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        do {
            _ = try UnixSocketEndpoint(parsing: endpoint)
        } catch {
            throw ValidationError("--endpoint: \(error)")
        }
        for (name, port) in [
            ("--healthz-port", healthzPort), ("--prometheus-port", prometheusPort), ("--nmi-port", nmiPort),
        ] {
            guard (1...65535).contains(port) else {
                throw ValidationError("\(name) must be between 1 and 65535, got \(port)")
            }
        }
        guard (1...1024).contains(maxRequestsPerVault) else {
            throw ValidationError("--max-requests-per-vault must be between 1 and 1024, got \(maxRequestsPerVault)")
        }
        guard healthzPath.hasPrefix("/") else {
            throw ValidationError("--healthz-path must start with /, got \"\(healthzPath)\"")
        }
        guard metricsBackend.lowercased() == "prometheus" else {
            throw ValidationError("--metrics-backend \"\(metricsBackend)\" is not supported; use prometheus")
        }
        guard let cloud = CloudName(parsing: cloudName), cloud != .azureStackCloud else {
            throw ValidationError(
                "--cloud-name \"\(cloudName)\" is not a built-in cloud; use one of \(builtInCloudNames); AzureStackCloud is chosen per class with cloudName and cloudEnvFileName"
            )
        }
    }

    private var builtInCloudNames: String {
        CloudName.allCases.filter { $0 != .azureStackCloud }.map(\.rawValue).joined(separator: ", ")
    }

    func run() async throws {
        let logger = logging.bootstrap()
        let pipelineSettings = PipelineSettings(
            parameters: ParameterSettings(defaultCloudName: CloudName(parsing: cloudName)!),
            content: ContentSettings(
                constructPEMChain: constructPEMChain.value,
                writeCertAndKeyInSeparateFiles: writeCertAndKeyInSeparateFiles.value),
            mountTimeout: mountTimeout.duration)
        let serverSettings = ServerSettings(
            endpoint: try UnixSocketEndpoint(parsing: endpoint), healthzPort: healthzPort, healthzPath: healthzPath,
            healthzTimeout: healthzTimeout.duration, shutdownGracePeriod: shutdownGracePeriod.duration)
        logger.info("starting", metadata: ["version": "\(ProviderInfo.version)", "endpoint": "\(endpoint)"])
        let http: AzureHTTPClient
        do {
            // One pooled client for the process: connections to Entra ID and Key Vault are reused across mounts.
            http = try AzureHTTPClient(
                settings: HTTPClientSettings(
                    userAgent: HTTPClientSettings.userAgent(
                        product: ProviderInfo.runtimeName, version: ProviderInfo.version, custom: customUserAgent),
                    extraCABundlePath: extraCABundle, connectionsPerHost: maxRequestsPerVault),
                logger: logger)
        } catch {
            logger.critical("cannot configure HTTPS", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        let vaults = KeyVaultReaderFactory(
            http: http, tokens: TokenCache(logger: logger), nmiPort: nmiPort, requestsPerVault: maxRequestsPerVault,
            logger: logger)
        let mounter = KeyVaultMounter(settings: pipelineSettings, vaults: vaults, logger: logger)
        var failure: (any Error)?
        do {
            try await ServerRunner.run(settings: serverSettings, mounter: mounter, logger: logger)
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
