/// What `serve` needs to listen: the socket, the liveness endpoint and the shutdown bound. The defaults are the
/// Go provider's, and the flags of `serve` read them from here.
public struct ServerSettings: Sendable {
    public static let defaultEndpoint = "unix:///tmp/azure.sock"
    public static let defaultHealthzPort = 8989
    public static let defaultHealthzPath = "/healthz"
    public static let defaultHealthzTimeout = Duration.seconds(5)
    /// Long enough for a mount in flight to finish; kubelet's pod grace period (30 s) ends the pod anyway.
    public static let defaultShutdownGracePeriod = Duration.seconds(30)
    /// The Go provider's `--prometheus-port`, on all interfaces as there.
    public static let defaultMetricsPort = 8898
    public static let defaultMetricsHost = "0.0.0.0"

    public var endpoint: UnixSocketEndpoint
    /// Interface `/healthz` binds to. All interfaces, as the Go provider, so kubelet can probe the pod.
    public var healthzHost: String
    public var healthzPort: Int
    public var healthzPath: String
    public var healthzTimeout: Duration
    /// How long in-flight mounts may run after SIGTERM before the process exits anyway.
    public var shutdownGracePeriod: Duration
    /// Where `/metrics` listens (`--metrics-bind-address`, `--prometheus-port`).
    public var metricsHost: String
    public var metricsPort: Int

    public init(
        endpoint: UnixSocketEndpoint, healthzHost: String = "0.0.0.0", healthzPort: Int = defaultHealthzPort,
        healthzPath: String = defaultHealthzPath, healthzTimeout: Duration = defaultHealthzTimeout,
        shutdownGracePeriod: Duration = defaultShutdownGracePeriod, metricsHost: String = defaultMetricsHost,
        metricsPort: Int = defaultMetricsPort
    ) {
        self.endpoint = endpoint
        self.healthzHost = healthzHost
        self.healthzPort = healthzPort
        self.healthzPath = healthzPath
        self.healthzTimeout = healthzTimeout
        self.shutdownGracePeriod = shutdownGracePeriod
        self.metricsHost = metricsHost
        self.metricsPort = metricsPort
    }
}
