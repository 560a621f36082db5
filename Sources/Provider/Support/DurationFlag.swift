import ArgumentParser

/// A duration as Go's time.ParseDuration reads it: `5s`, `1m30s`, `500ms`, `2h`.
struct DurationFlag: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    var duration: Duration
    var text: String

    /// A default value, written as Go writes whole seconds (`90s`).
    init(_ duration: Duration) {
        self.duration = duration
        let (seconds, attoseconds) = duration.components
        text = attoseconds == 0 ? "\(seconds)s" : "\(Double(seconds) + Double(attoseconds) / 1e18)s"
    }

    init?(argument: String) {
        let units: [(String, Double)] = [
            ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
        ]
        var rest = Substring(argument)
        var seconds = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            // Longest unit first, so "ms" is not read as "m".
            guard let unit = units.sorted(by: { $0.0.count > $1.0.count }).first(where: { rest.hasPrefix($0.0) }) else {
                return nil
            }
            rest = rest.dropFirst(unit.0.count)
            seconds += value * unit.1
        }
        // Positive, and small enough to count in nanoseconds (Go's own limit is about 290 years).
        guard seconds > 0, seconds < 1e9 else { return nil }
        duration = .nanoseconds(Int64((seconds * 1e9).rounded()))
        text = argument
    }

    var description: String { text }
    var defaultValueDescription: String { text }
}
