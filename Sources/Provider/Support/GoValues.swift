import ArgumentParser
import ProviderParameters

/// A boolean flag value as Go's strconv.ParseBool reads it (the same rules as boolean class parameters).
struct GoBool: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    var value: Bool

    init(_ value: Bool) { self.value = value }

    init?(argument: String) {
        guard let value = ProviderParameters.GoBool.parse(argument) else { return nil }
        self.value = value
    }

    var description: String { value ? "true" : "false" }
    var defaultValueDescription: String { description }
}

/// A duration as Go's time.ParseDuration reads it: `5s`, `1m30s`, `500ms`, `2h`.
struct GoDuration: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    var duration: Duration
    var text: String

    init?(argument: String) {
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
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
