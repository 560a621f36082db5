import ProviderParameters
import Yams

/// One YAML document of an input file that is a Kubernetes object (has a `kind`).
struct ManifestDocument {
    var file: String
    /// 1-based.
    var index: Int
    var root: Node.Mapping
    var kind: String
    var apiVersion: String
    var name: String
    var namespace: String?
    /// Rule ids listed in the `secrets-store-provider-azure/lint-ignore` annotation (comma-separated).
    var ignoredRules: Set<String>

    var resource: String { "\(kind)/\(name.isEmpty ? "<unnamed>" : name)" }

    func finding(
        _ rule: String, _ severity: LintFinding.Severity, at path: String, line: Int?, _ message: String,
        fix: String
    ) -> LintFinding {
        LintFinding(
            file: file, document: index, line: line, resource: resource, path: path, rule: rule, severity: severity,
            message: message, fix: fix)
    }
}
