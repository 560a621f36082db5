import ArgumentParser
import Logging

/// Logging flags shared by the subcommands that log.
struct LoggingOptions: ParsableArguments {
    @Option(name: .customLong("log-format-json"), help: "Log one JSON object per line instead of text (true|false).")
    var logFormatJSON: BoolFlag = BoolFlag(false)

    @Option(name: [.customShort("v"), .customLong("verbosity")], help: "Log verbosity: 0-1 info, 2-4 debug, 5+ trace.")
    var verbosity: Int = 0

    func validate() throws {
        guard verbosity >= 0 else { throw ValidationError("-v/--verbosity must be 0 or more, got \(verbosity)") }
    }

    /// Installs the process's log handler. Called once, before anything logs.
    func bootstrap() -> Logger {
        let format: ProviderLogHandler.Format = logFormatJSON.value ? .json : .text
        let level = ProviderLogHandler.level(forVerbosity: verbosity)
        LoggingSystem.bootstrap { label in ProviderLogHandler(label: label, format: format, level: level) }
        return Logger(label: "provider")
    }
}
