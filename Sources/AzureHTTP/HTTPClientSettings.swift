import Foundation

/// Everything the process-wide client is built from, read once at start-up.
public struct HTTPClientSettings: Sendable {
    /// See `connectionsPerHost`; `serve --max-requests-per-vault` defaults to it too.
    public static let defaultConnectionsPerHost = 32

    /// Sent on every request; see `userAgent(product:version:custom:)`.
    public var userAgent: String
    /// `--extra-ca-bundle`: PEM certificates trusted in addition to the system roots.
    public var extraCABundlePath: String?
    /// The process environment: `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (either case), `SSL_CERT_FILE`, `SSL_CERT_DIR`.
    public var environment: [String: String]
    /// Bound on one attempt (connect, send, read the whole body); the caller's deadline bounds all attempts.
    public var requestTimeout: Duration
    public var connectTimeout: Duration
    /// Larger bodies are refused: no Key Vault or token answer comes near it.
    public var maxResponseBytes: Int
    /// HTTP/1.1 connections kept per host (AsyncHTTPClient's default is 8): as many as requests may be in
    /// flight to one vault, so no request waits for a connection another is using.
    public var connectionsPerHost: Int
    /// Host name -> IP address, bypassing DNS while keeping the name for TLS and `Host` (tests use it to reach
    /// a loopback server under a vault-like name).
    package var dnsOverride: [String: String] = [:]
    /// PEM certificates that replace every other trust root (system, `SSL_CERT_*`, `--extra-ca-bundle`), for a
    /// companion client that must trust one private CA only (the cluster's, for the identity-binding proxy).
    package var exclusiveTrustPEM: [UInt8]?

    public init(
        userAgent: String, extraCABundlePath: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        requestTimeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10),
        maxResponseBytes: Int = 4 << 20, connectionsPerHost: Int = defaultConnectionsPerHost
    ) {
        self.userAgent = userAgent
        self.extraCABundlePath = extraCABundlePath
        self.environment = environment
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
        self.connectionsPerHost = max(1, connectionsPerHost)
    }

    /// `<product>/<version>`, then the operator's custom agent if any. The product name is the caller's
    /// (the provider's runtime name), so it is written in one place only.
    public static func userAgent(product: String, version: String, custom: String? = nil) -> String {
        let base = "\(product)/\(version)"
        guard let custom = custom?.trimmingCharacters(in: .whitespaces), !custom.isEmpty else { return base }
        return base + " " + custom
    }
}
