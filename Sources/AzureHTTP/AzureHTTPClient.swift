import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOSSL
import ProviderMetrics
import Synchronization

/// The process-wide HTTP client for Key Vault, Entra ID, IMDS and NMI: pooled connections reused across
/// mounts, TLS always verified, proxies chosen per destination, bounded retries.
///
/// AsyncHTTPClient takes its proxy per client, not per request, so there is one pooled client per distinct
/// route (direct, and each configured proxy); all share the default event loop group.
public final class AzureHTTPClient: Sendable {
    public let settings: HTTPClientSettings
    let proxies: ProxySettings
    let direct: HTTPClient
    let proxied: [ProxyEndpoint: HTTPClient]
    private let logger: Logger
    /// The logger handed to AsyncHTTPClient: never below debug (see init).
    let libraryLogger: Logger
    /// Injected by tests to observe or shorten waits; production sleeps on the continuous clock.
    package let sleep: @Sendable (Duration) async throws -> Void
    /// Clients made by `companion(trustPEM:dnsOverride:)`, shut down with this one.
    private let companions = Mutex<[AzureHTTPClient]>([])

    public convenience init(settings: HTTPClientSettings, logger: Logger) throws(HTTPClientConfigurationError) {
        try self.init(settings: settings, logger: logger, sleep: { try await Task.sleep(for: $0) })
    }

    package init(
        settings: HTTPClientSettings, logger: Logger, sleep: @escaping @Sendable (Duration) async throws -> Void
    ) throws(HTTPClientConfigurationError) {
        let proxies = try ProxySettings(environment: settings.environment)
        var tls = TLSConfiguration.makeClientConfiguration()
        if let pem = settings.exclusiveTrustPEM {
            tls.trustRoots = .certificates(try TrustRoots.certificates(inPEM: pem))
            tls.minimumTLSVersion = .tlsv12
        } else {
            let roots = try TrustRoots.load(environment: settings.environment, extraBundle: settings.extraCABundlePath)
            for warning in roots.warnings { logger.warning("\(warning)") }
            tls.trustRoots = roots.primary
            tls.additionalTrustRoots = roots.additional
        }
        tls.certificateVerification = .fullVerification

        // AsyncHTTPClient logs the first and last bytes of every body at trace level: secret values and
        // tokens. It never gets a logger below debug, whatever -v says.
        var libraryLogger = logger
        libraryLogger.logLevel = max(logger.logLevel, .debug)

        func makeClient(proxy: ProxyEndpoint?) -> HTTPClient {
            var configuration = HTTPClient.Configuration(
                tlsConfiguration: tls,
                // Redirects are never followed: a bearer token must not travel to another host.
                redirectConfiguration: .disallow,
                timeout: .init(connect: settings.connectTimeout.timeAmount, read: settings.requestTimeout.timeAmount),
                proxy: proxy.map(Self.ahcProxy))
            // The pool would otherwise keep re-dialling a failing TLS handshake until the deadline; this
            // client's own retry policy decides instead.
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = settings.connectionsPerHost
            configuration.dnsOverride = settings.dnsOverride
            return HTTPClient(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration,
                backgroundActivityLogger: libraryLogger)
        }

        // Plain-HTTP destinations behind an HTTP proxy go through `ForwardProxyExchange`, not a pooled client.
        var proxied: [ProxyEndpoint: HTTPClient] = [:]
        let pooledRoutes = [proxies.httpsProxy, proxies.httpProxy?.kind == .socks5 ? proxies.httpProxy : nil]
        for endpoint in pooledRoutes.compactMap({ $0 }) where proxied[endpoint] == nil {
            proxied[endpoint] = makeClient(proxy: endpoint)
        }
        self.settings = settings
        self.proxies = proxies
        self.direct = makeClient(proxy: nil)
        self.proxied = proxied
        self.logger = logger
        self.libraryLogger = libraryLogger
        self.sleep = sleep
        logger.debug(
            "HTTP client ready",
            metadata: [
                "https_proxy": "\(proxies.httpsProxy?.description ?? "none")",
                "http_proxy": "\(proxies.httpProxy?.description ?? "none")",
            ])
    }

    /// Closes pooled connections, companions' too. Call once, at process exit.
    public func shutdown() async throws {
        for companion in companions.withLock({ $0 }) { try await companion.shutdown() }
        try await direct.shutdown()
        for client in proxied.values { try await client.shutdown() }
    }

    /// A client with this one's user agent and limits that trusts only the certificates in `trustPEM`, connects
    /// directly (no `HTTPS_PROXY`) and resolves the names in `dnsOverride` to other hosts while still sending
    /// and verifying the original name (SNI). Shut down with this client; a companion is kept until then
    /// (companions are made when a CA file changes, rarely).
    package func companion(trustPEM: [UInt8], dnsOverride: [String: String]) throws(HTTPClientConfigurationError)
        -> AzureHTTPClient
    {
        var companionSettings = HTTPClientSettings(
            userAgent: settings.userAgent, environment: [:], requestTimeout: settings.requestTimeout,
            connectTimeout: settings.connectTimeout, maxResponseBytes: settings.maxResponseBytes,
            connectionsPerHost: 4)
        companionSettings.exclusiveTrustPEM = trustPEM
        companionSettings.dnsOverride = dnsOverride
        let client = try AzureHTTPClient(settings: companionSettings, logger: logger, sleep: sleep)
        companions.withLock { $0.append(client) }
        return client
    }

    /// Sends a request, retrying per `policy`, and returns the last response whatever its status (callers
    /// interpret 4xx/5xx). Throws only when no response was obtained. Never exceeds `deadline`: a
    /// `Retry-After` longer than the time left ends the retries with the response in hand. With a `gate`, every
    /// attempt holds one of the destination's places, and a 429's `Retry-After` pauses all its callers.
    public func send(
        _ request: AzureHTTPRequest, policy: RetryPolicy = .standard, deadline: ContinuousClock.Instant,
        gate: RequestGate? = nil
    ) async throws(AzureHTTPError) -> AzureHTTPResponse {
        let target = "\(request.method.rawValue) \(request.redactedURL)"
        // One id for all attempts of the request, as the Azure SDKs send it: the id Azure support asks for.
        var request = request
        request.headers.append((name: "x-ms-client-request-id", value: UUID().uuidString.lowercased()))
        var attempt = 0
        while true {
            attempt += 1
            let started = ContinuousClock.now
            let outcome: Result<AzureHTTPResponse, AzureHTTPError>
            do throws(AzureHTTPError) {
                outcome = .success(
                    try await gated(gate, target: target, deadline: deadline, attempt: attempt) {
                        () async throws(AzureHTTPError) -> AzureHTTPResponse in
                        try await perform(request, target: target, deadline: deadline, attempt: attempt)
                    })
            } catch {
                outcome = .failure(error)
            }
            let elapsed = ContinuousClock.now - started
            var retryAfter: Duration?
            switch outcome {
            case .success(let response):
                logger.debug(
                    "azure http",
                    metadata: [
                        "request": "\(target)", "status": "\(response.status)", "attempt": "\(attempt)",
                        "elapsed": "\(elapsed)",
                    ])
                retryAfter = RetryAfter.delay(headers: response.headers, now: Date())
                if response.status == 429, let gate, let retryAfter { gate.pause(until: .now + retryAfter) }
                guard policy.isRetryable(status: response.status), attempt < policy.maxAttempts else { return response }
            case .failure(let error):
                logger.debug(
                    "azure http failed",
                    metadata: ["request": "\(target)", "error": "\(error.detail)", "attempt": "\(attempt)"])
                let retryable =
                    (error.kind == .connection || error.kind == .timedOut) && policy.retriesConnectionFailures
                guard retryable, attempt < policy.maxAttempts, ContinuousClock.now < deadline else { throw error }
            }
            let delay = policy.delay(beforeRetry: attempt, retryAfter: retryAfter)
            // Waiting would overrun the caller's deadline: report what we have now.
            if ContinuousClock.now + delay >= deadline { return try outcome.get() }
            ProviderMetrics.retry(reason: Self.retryReason(outcome))
            logger.info(
                "retrying Azure request",
                metadata: [
                    "request": "\(target)", "after": "\(delay)", "attempt": "\(attempt)",
                    "outcome": "\(Self.summary(outcome))",
                ])
            do {
                try await sleep(delay)
            } catch {
                throw AzureHTTPError(kind: .cancelled, target: target, detail: "cancelled", attempts: attempt)
            }
        }
    }

    /// Runs one attempt holding a place at `gate` (when there is one).
    private func gated(
        _ gate: RequestGate?, target: String, deadline: ContinuousClock.Instant, attempt: Int,
        _ body: () async throws(AzureHTTPError) -> AzureHTTPResponse
    ) async throws(AzureHTTPError) -> AzureHTTPResponse {
        guard let gate else { return try await body() }
        do {
            try await gate.enter(deadline: deadline)
        } catch {
            let detail: String
            let kind: AzureHTTPError.Kind
            switch error {
            case .paused(let until):
                kind = .throttled
                detail =
                    "the server asked to pause requests for another \(until - .now) (Retry-After), past the deadline"
            case .deadlineExceeded:
                (kind, detail) = (.deadlineExceeded, "deadline exceeded while waiting for a free request slot")
            case .cancelled:
                (kind, detail) = (.cancelled, "cancelled")
            }
            throw AzureHTTPError(kind: kind, target: target, detail: detail, attempts: attempt)
        }
        defer { gate.leave() }
        return try await body()
    }

    /// The `reason` label of retries: a short class of what the failed attempt got.
    static func retryReason(_ outcome: Result<AzureHTTPResponse, AzureHTTPError>) -> String {
        switch outcome {
        case .success(let response):
            switch response.status {
            case 429: return "throttled"
            case 408: return "timeout"
            case 404, 410: return "not_ready"
            default: return response.status >= 500 ? "server_error" : "other"
            }
        case .failure(let error):
            return error.kind == .timedOut ? "timeout" : "network"
        }
    }

    private static func summary(_ outcome: Result<AzureHTTPResponse, AzureHTTPError>) -> String {
        switch outcome {
        case .success(let response): return "status \(response.status)"
        case .failure(let error): return error.detail
        }
    }

    private static func ahcProxy(_ endpoint: ProxyEndpoint) -> HTTPClient.Configuration.Proxy {
        switch endpoint.kind {
        case .socks5:
            return .socksServer(host: endpoint.host, port: endpoint.port)
        case .http:
            let authorization = endpoint.username.map {
                HTTPClient.Authorization.basic(username: $0, password: endpoint.password ?? "")
            }
            return .server(host: endpoint.host, port: endpoint.port, authorization: authorization)
        }
    }
}
