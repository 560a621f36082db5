import Foundation
import Logging

/// Writes log lines to standard error: `2026-01-02T03:04:05.678Z info message key=value` by default, or
/// one JSON object per line with `--log-format-json`. Callers never put secrets into messages or metadata.
struct ProviderLogHandler: LogHandler {
    enum Format: Sendable { case text, json }

    let label: String
    let format: Format
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, format: Format, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line = Self.render(
            format: format, date: Date(), level: event.level, message: "\(event.message)", metadata: merged)
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func render(format: Format, date: Date, level: Logger.Level, message: String, metadata: Logger.Metadata)
        -> String
    {
        let timestamp = Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
        let keys = metadata.keys.sorted()
        switch format {
        case .text:
            let fields = keys.map { "\($0)=\(quoteIfNeeded("\(metadata[$0]!)"))" }
            return ([timestamp, level.rawValue, message] + fields).joined(separator: " ")
        case .json:
            var object: [(String, String)] = [("ts", timestamp), ("level", level.rawValue), ("msg", message)]
            object += keys.map { ($0, "\(metadata[$0]!)") }
            return "{" + object.map { "\(jsonString($0.0)):\(jsonString($0.1))" }.joined(separator: ",") + "}"
        }
    }

    /// Quoted (JSON escaping) when the value could be read as more than one field or line: values can
    /// come from requests, and a newline in one must not forge a log line.
    private static func quoteIfNeeded(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty
            || value.unicodeScalars.contains {
                $0 == " " || $0 == "\"" || $0 == "=" || $0.value < 0x20 || $0.value == 0x7f
            }
        return needsQuotes ? jsonString(value) : value
    }

    /// A JSON string literal (RFC 8259 escaping).
    static func jsonString(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// klog-style verbosity to a swift-log level: 0–1 info, 2–4 debug, 5 and above trace.
    static func level(forVerbosity verbosity: Int) -> Logger.Level {
        switch verbosity {
        case ..<2: return .info
        case 2..<5: return .debug
        default: return .trace
        }
    }
}
