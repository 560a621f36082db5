import AzureHTTP
import Foundation
import Logging
import ProviderMetrics

/// Process-wide token cache, keyed by identity and scope (see `CredentialIdentity`).
///
/// - Fresh tokens are served without a request; tokens in their refresh window are renewed.
/// - Single flight: concurrent callers needing the same key share one request. A failure reaches every
///   waiter of that flight but is not cached: the next caller tries again. Each waiter leaves at its own
///   deadline or on cancellation; the request itself runs for `acquisitionTimeout` (or the starter's
///   deadline, if later), so a caller about to time out cannot doom the callers that join it.
/// - When a renewal fails but the old token still has time left, the old token is served.
/// - Bounded: past `capacity`, expired entries go first, then the least recently used.
public actor TokenCache {
    public struct Statistics: Sendable, Equatable {
        public var hits = 0
        /// Requests made to identity endpoints.
        public var fetches = 0
        public var failures = 0
        /// Entries dropped for capacity or by `evict`.
        public var evictions = 0
        public var entries = 0
    }

    private struct Entry {
        var token: AccessToken
        var refreshAt: Date
        var lastUsed: UInt64
    }

    private let capacity: Int
    private let now: @Sendable () -> Date
    private let logger: Logger
    private var entries: [TokenCacheKey: Entry] = [:]
    private var flights: [TokenCacheKey: SharedFlight<AccessToken, AuthError>] = [:]
    private var useCounter: UInt64 = 0
    private var counters = Statistics()
    /// How long a shared request may run. Long enough for IMDS's retries through a 410 (70 s and more);
    /// a request outliving its callers still fills the cache for the mount the driver retries next.
    public let acquisitionTimeout: Duration

    /// - Parameter now: wall clock, injectable so tests can move time.
    public init(
        capacity: Int = 1024, acquisitionTimeout: Duration = .seconds(120),
        logger: Logger = Logger(label: "azure.auth.tokencache"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.capacity = max(1, capacity)
        self.acquisitionTimeout = acquisitionTimeout
        self.logger = logger
        self.now = now
    }

    public var statistics: Statistics {
        var copy = counters
        copy.entries = entries.count
        return copy
    }

    /// A token for `scope` as `credential`, from the cache when fresh. Waits at most until `deadline`; throws
    /// at once when the calling task is cancelled.
    public func token(for credential: some TokenCredential, scope: String, deadline: ContinuousClock.Instant)
        async throws(AuthError) -> AccessToken
    {
        let key = credential.cacheKey(scope: scope)
        if var entry = entries[key], now() < entry.refreshAt {
            useCounter += 1
            entry.lastUsed = useCounter
            entries[key] = entry
            counters.hits += 1
            ProviderMetrics.tokenCacheHit(mode: key.identity.mode.rawValue)
            return entry.token
        }
        let flight: SharedFlight<AccessToken, AuthError>
        if let existing = flights[key] {
            flight = existing
        } else {
            counters.fetches += 1
            flight = SharedFlight()
            flights[key] = flight
            let requestDeadline = max(deadline, ContinuousClock.now + acquisitionTimeout)
            Task {
                let result: Result<AccessToken, AuthError>
                do throws(AuthError) {
                    result = .success(try await credential.fetchToken(scope: scope, deadline: requestDeadline))
                } catch {
                    result = .failure(error)
                }
                self.complete(key, result)
                flight.finish(result)
            }
        }
        let mode = key.identity.mode
        let outcome = await flight.wait(
            until: deadline,
            timedOut: .failure(
                AuthError(
                    kind: .transport, mode: mode, isDeadlineExceeded: true,
                    description: "\(mode.credentialName): deadline exceeded while waiting for a token")),
            cancelled: .failure(
                AuthError(
                    kind: .transport, mode: mode,
                    description: "\(mode.credentialName): cancelled while waiting for a token")))
        switch outcome {
        case .success(let token):
            return token
        case .failure(var error):
            if let stale = entries[key],
                TokenRefreshPolicy.isUsableAsFallback(expiresOn: stale.token.expiresOn, now: now())
            {
                logger.warning(
                    "token renewal failed; serving the cached token until it expires",
                    metadata: metadata(key, stale.token))
                return stale.token
            }
            // The shared request hit its own time limit while this caller still has time: not this caller's deadline.
            if error.isDeadlineExceeded && ContinuousClock.now < deadline { error.isDeadlineExceeded = false }
            throw error
        }
    }

    /// Forgets a token, e.g. after Key Vault rejected it with 401. With `rejected`, only that token is
    /// forgotten: a 401 that arrives after a concurrent mount already renewed the token must not throw the
    /// new one away (each late 401 would otherwise start another renewal).
    public func evict(_ key: TokenCacheKey, rejected: AccessToken? = nil) {
        if let rejected, let cached = entries[key], cached.token != rejected {
            return
        }
        if entries.removeValue(forKey: key) != nil {
            counters.evictions += 1
            logger.debug("token evicted", metadata: ["identity": "\(key.identity)", "scope": "\(key.scope)"])
        }
    }

    private func complete(_ key: TokenCacheKey, _ result: Result<AccessToken, AuthError>) {
        flights[key] = nil
        switch result {
        case .success(let token):
            let acquiredAt = now()
            useCounter += 1
            if entries[key] == nil { makeRoom(at: acquiredAt) }
            entries[key] = Entry(
                token: token,
                refreshAt: TokenRefreshPolicy.refreshAt(acquiredAt: acquiredAt, expiresOn: token.expiresOn),
                lastUsed: useCounter)
            ProviderMetrics.tokenRequest(mode: key.identity.mode.rawValue, result: "ok")
            logger.info("token acquired", metadata: metadata(key, token))
        case .failure(let error):
            counters.failures += 1
            ProviderMetrics.tokenRequest(mode: key.identity.mode.rawValue, result: "error")
            logger.info("token acquisition failed", metadata: ["identity": "\(key.identity)", "error": "\(error)"])
        }
    }

    private func makeRoom(at date: Date) {
        guard entries.count >= capacity else { return }
        let expired = entries.filter { $0.value.token.expiresOn <= date }.map(\.key)
        for key in expired { entries[key] = nil }
        counters.evictions += expired.count
        while entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key {
            entries[oldest] = nil
            counters.evictions += 1
        }
    }

    private func metadata(_ key: TokenCacheKey, _ token: AccessToken) -> Logger.Metadata {
        [
            "mode": "\(key.identity.mode.rawValue)", "tenant": "\(key.identity.tenantID)",
            "clientID": "\(key.identity.clientID)", "scope": "\(key.scope)", "expiresOn": "\(token.expiresOn)",
        ]
    }
}
