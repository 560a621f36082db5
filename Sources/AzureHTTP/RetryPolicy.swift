import Foundation

/// When and how long to retry one HTTP exchange. Every wait is also capped by the caller's deadline.
public struct RetryPolicy: Sendable, Equatable {
    /// Total tries, the first included.
    public var maxAttempts: Int
    /// Backoff before retry n (1-based) is uniformly random in `0 ... min(maxDelay, baseDelay * 2^(n-1))`
    /// ("full jitter"): spreads the retries of many pods hitting the same throttled vault.
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// Statuses worth another try; everything else (400, 401, 403, 404, ...) is returned at once.
    public var retryableStatuses: Set<Int>
    /// Whether connection failures (refused, reset, timed out) are retried.
    public var retriesConnectionFailures: Bool

    public init(
        maxAttempts: Int, baseDelay: Duration, maxDelay: Duration, retryableStatuses: Set<Int>,
        retriesConnectionFailures: Bool = true
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.retryableStatuses = retryableStatuses
        self.retriesConnectionFailures = retriesConnectionFailures
    }

    /// Key Vault and Entra ID: throttling, gateway and server errors.
    public static let standard = RetryPolicy(
        maxAttempts: 4, baseDelay: .milliseconds(800), maxDelay: .seconds(8),
        retryableStatuses: [408, 429, 500, 502, 503, 504])

    /// IMDS: Azure documents retrying 404 and 410 (identity being set up or IMDS updating; 410 for at least
    /// 70 s), 429 and every 5xx with exponential backoff. 13 attempts: the expected waits (half of each cap:
    /// 0.5 + 1 + 2 + 4 + 8 + 7 × 8 s) add up to 71.5 s, so a 410 is outlasted on average, not only in the
    /// unlucky case. The caller's deadline still bounds the total.
    public static let imds = RetryPolicy(
        maxAttempts: 13, baseDelay: .seconds(1), maxDelay: .seconds(16),
        retryableStatuses: Set([404, 408, 410, 429]).union(500...599))

    /// No retries (tests, or calls whose caller retries itself).
    public static let none = RetryPolicy(maxAttempts: 1, baseDelay: .zero, maxDelay: .zero, retryableStatuses: [])

    public func isRetryable(status: Int) -> Bool { retryableStatuses.contains(status) }

    /// The wait before retry number `retry` (1 = the second attempt). `random` maps a cap to a value in
    /// `0...cap`. A server's `Retry-After` replaces the backoff (it knows its own load); the client then
    /// gives up instead of waiting when the deadline comes first.
    public func delay(
        beforeRetry retry: Int, retryAfter: Duration?, random: (Duration) -> Duration = RetryPolicy.uniform
    ) -> Duration {
        if let retryAfter { return retryAfter }
        let exponent = min(max(retry - 1, 0), 30)
        let cap = min(maxDelay, baseDelay * (1 << exponent))
        return random(cap)
    }

    /// Uniform in `0...cap`.
    public static func uniform(_ cap: Duration) -> Duration {
        let nanos = cap.components.seconds * 1_000_000_000 + cap.components.attoseconds / 1_000_000_000
        return nanos <= 0 ? .zero : .nanoseconds(Int64.random(in: 0...nanos))
    }
}
