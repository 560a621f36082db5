/// What `serve` needs to listen: the socket, the liveness endpoint and the shutdown bound.
public struct ServerConfiguration: Sendable {
    public var endpoint: UnixSocketEndpoint
    /// Interface `/healthz` binds to. All interfaces, as the Go provider, so kubelet can probe the pod.
    public var healthzHost: String
    public var healthzPort: Int
    public var healthzPath: String
    public var healthzTimeout: Duration
    /// How long in-flight mounts may run after SIGTERM before the process exits anyway.
    public var shutdownGracePeriod: Duration

    public init(
        endpoint: UnixSocketEndpoint, healthzHost: String = "0.0.0.0", healthzPort: Int = 8989,
        healthzPath: String = "/healthz", healthzTimeout: Duration = .seconds(5),
        shutdownGracePeriod: Duration = .seconds(30)
    ) {
        self.endpoint = endpoint
        self.healthzHost = healthzHost
        self.healthzPort = healthzPort
        self.healthzPath = healthzPath
        self.healthzTimeout = healthzTimeout
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}
