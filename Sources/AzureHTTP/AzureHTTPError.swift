/// A failure before a complete HTTP response was in hand. The text names the destination (without its
/// query) and what went wrong; it never includes headers or bodies.
public struct AzureHTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The URL could not be used (bad syntax, scheme other than http/https).
        case invalidURL
        /// Connecting or talking to the server failed (refused, reset, DNS, proxy).
        case connection
        /// The TLS handshake failed, typically certificate verification. Not retried: it will fail again.
        case tls
        /// One attempt's own limit (`requestTimeout`, `connectTimeout`) passed; retried while time is left.
        case timedOut
        /// The caller's deadline passed: the caller's whole operation is out of time (a mount maps this to
        /// DEADLINE_EXCEEDED, not to an unavailable service).
        case deadlineExceeded
        /// The body exceeded the size limit.
        case responseTooLarge
        /// The calling task was cancelled.
        case cancelled
        /// The proxy refused the configured credentials (407). Not retried: only a configuration change helps.
        case proxyRefused
        /// The destination asked callers to pause (a 429's `Retry-After`) for longer than the deadline allows.
        case throttled
    }

    public var kind: Kind
    /// e.g. `GET https://myvault.vault.azure.net/secrets/x/`.
    public var target: String
    public var detail: String
    /// How many attempts were made.
    public var attempts: Int

    public init(kind: Kind, target: String, detail: String, attempts: Int) {
        self.kind = kind
        self.target = target
        self.detail = detail
        self.attempts = attempts
    }

    public var description: String {
        let tries = attempts > 1 ? " (after \(attempts) attempts)" : ""
        return "\(target): \(detail)\(tries)"
    }
}
