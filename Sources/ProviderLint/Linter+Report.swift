import Foundation

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
        text +=
            "\(findings.count) problem\(findings.count == 1 ? "" : "s") (\(errors) error\(errors == 1 ? "" : "s"),"
            + " \(warnings) warning\(warnings == 1 ? "" : "s"))\n"
        return text
    }

    /// 0 when clean, 1 when anything was found (unreadable input is 2, from `LintInputError`).
    public static func exitStatus(for findings: [LintFinding]) -> Int32 {
        findings.isEmpty ? 0 : 1
    }
}
