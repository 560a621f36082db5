import Foundation

/// One problem `lint` found, with where it is and how to fix it.
public struct LintFinding: Sendable, Codable, Equatable {
    public enum Severity: String, Sendable, Codable {
        case error
        case warning
    }

    /// The file as given on the command line (`-` for stdin).
    public var file: String
    /// 1-based position of the YAML document in the file.
    public var document: Int
    /// 1-based line of the offending node, when known.
    public var line: Int?
    /// `Kind/name` of the manifest, e.g. `SecretProviderClass/app-secrets`.
    public var resource: String
    /// Dotted path inside the manifest, e.g. `spec.parameters.objects[1].objectType`.
    public var path: String
    /// Stable rule id (see docs/lint.md); also what the ignore annotation takes.
    public var rule: String
    public var severity: Severity
    public var message: String
    public var fix: String

    public init(
        file: String, document: Int, line: Int?, resource: String, path: String, rule: String, severity: Severity,
        message: String, fix: String
    ) {
        self.file = file
        self.document = document
        self.line = line
        self.resource = resource
        self.path = path
        self.rule = rule
        self.severity = severity
        self.message = message
        self.fix = fix
    }
}

/// The file `lint` could not read as YAML (exit status 2).
public struct LintInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}

extension Linter {
    /// Text for people (one finding per block, then a summary) or, with `json`, a stable JSON document for CI:
    /// `{"errors": n, "warnings": n, "findings": [...]}`.
    public static func render(_ findings: [LintFinding], json: Bool) -> String {
        let errors = findings.filter { $0.severity == .error }.count
        let warnings = findings.count - errors
        if json {
            struct Report: Encodable {
                var errors: Int
                var warnings: Int
                var findings: [LintFinding]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(Report(errors: errors, warnings: warnings, findings: findings))) ?? Data()
            return String(decoding: data, as: UTF8.self) + "\n"
        }
        if findings.isEmpty { return "no problems found\n" }
        var text = ""
        for finding in findings {
            let location = finding.line.map { "\(finding.file):\($0)" } ?? finding.file
            text += "\(location): \(finding.severity.rawValue): \(finding.message) [\(finding.rule)]\n"
            text += "    at \(finding.path) in \(finding.resource) (document \(finding.document))\n"
            text += "    fix: \(finding.fix)\n"
        }
        text += "\(findings.count) problem\(findings.count == 1 ? "" : "s") (\(errors) error\(errors == 1 ? "" : "s"),"
            + " \(warnings) warning\(warnings == 1 ? "" : "s"))\n"
        return text
    }

    /// 0 when clean, 1 when anything was found (unreadable input is 2, from `LintInputError`).
    public static func exitStatus(for findings: [LintFinding]) -> Int32 {
        findings.isEmpty ? 0 : 1
    }
}
