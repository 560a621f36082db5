/// What one reader did, for the mount's log line: reads it sent to the vault, and reads it got from another
/// mount's request instead.
public struct ReadStatistics: Sendable, Equatable {
    public var sent = 0
    public var shared = 0

    public init(sent: Int = 0, shared: Int = 0) {
        self.sent = sent
        self.shared = shared
    }
}
