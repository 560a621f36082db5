import Foundation

/// A service-account token the driver minted for the pod (CSIDriver `tokenRequests`).
public struct ServiceAccountToken: Sendable, Equatable {
    public var token: String
    /// From `expirationTimestamp` (RFC 3339); `nil` when absent or unreadable (the token is still usable).
    public var expiration: Date?

    public init(token: String, expiration: Date? = nil) {
        self.token = token
        self.expiration = expiration
    }
}
