import NIOCore

extension Duration {
    /// Whole nanoseconds, saturating; negative durations become zero.
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return .zero }
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return .nanoseconds(overflow ? .max : product &+ attoseconds / 1_000_000_000)
    }
}
