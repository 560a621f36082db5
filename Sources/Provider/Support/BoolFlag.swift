import ArgumentParser
import ProviderParameters

/// A boolean flag value as Go's strconv.ParseBool reads it (the same rules as boolean class parameters).
struct BoolFlag: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    var value: Bool

    init(_ value: Bool) { self.value = value }

    init?(argument: String) {
        guard let value = GoBool.parse(argument) else { return nil }
        self.value = value
    }

    var description: String { value ? "true" : "false" }
    var defaultValueDescription: String { description }
}
