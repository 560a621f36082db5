import Foundation

/// When a cached token stops being served. Tokens are renewed ahead of expiry, by 5 minutes or half their
/// lifetime, whichever is less, so a mount never starts with a token that expires mid-flight, and short
/// tokens (a service-account token about to expire caps workload identity tokens) still get used.
enum TokenRefreshPolicy {
    static let maximumLead: TimeInterval = 300

    static func refreshAt(acquiredAt: Date, expiresOn: Date) -> Date {
        let lifetime = max(0, expiresOn.timeIntervalSince(acquiredAt))
        return expiresOn.addingTimeInterval(-min(maximumLead, lifetime / 2))
    }

    /// A token that failed to refresh is still served while this much of it remains.
    static let fallbackMargin: TimeInterval = 30

    static func isUsableAsFallback(expiresOn: Date, now: Date) -> Bool {
        expiresOn.timeIntervalSince(now) > fallbackMargin
    }
}
