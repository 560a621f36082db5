import Foundation
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

/// Splits Kubernetes YAML (multi-document) into objects.
enum ManifestReader {
    static let ignoreAnnotation = "secrets-store-provider-azure/lint-ignore"
    /// Nodes aliases may copy in one file. Manifests that share a label set or an env list stay far below it;
    /// nested aliases ("billion laughs") reach it in a few lines and would otherwise keep `lint` busy for hours.
    static let maxAliasExpansion = 100_000

    static func read(file: String, text: String) throws(LintInputError) -> [ManifestDocument] {
        if YAMLAnchors.expansion(in: text, exceeds: maxAliasExpansion) {
            throw LintInputError(
                file: file,
                message: "YAML aliases expand to more than \(maxAliasExpansion) nodes; write the repeated parts out")
        }
        var documents: [ManifestDocument] = []
        do {
            var index = 0
            var nodes = try Yams.compose_all(yaml: text)
            // The sequence stops at a syntax error and keeps it aside instead of throwing.
            while let node = nodes.next() {
                index += 1
                guard let root = node.mapping, let kind = root["kind"]?.plainString else { continue }
                let metadata = root["metadata"]?.mapping
                let ignored = metadata?["annotations"]?.mapping?[ignoreAnnotation]?.plainString ?? ""
                documents.append(ManifestDocument(
                    file: file, index: index, root: root, kind: kind,
                    apiVersion: root["apiVersion"]?.plainString ?? "", name: metadata?["name"]?.plainString ?? "",
                    namespace: metadata?["namespace"]?.plainString,
                    ignoredRules: Set(ignored.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })))
            }
            if let error = nodes.error { throw error }
        } catch {
            throw LintInputError(file: file, message: "not valid YAML: \(error)")
        }
        return documents
    }
}

extension Node {
    /// The text of a scalar, whatever its YAML type; `nil` for lists and mappings.
    var plainString: String? { scalar?.string }

    /// Whether Kubernetes would read this value as a string: a quoted or block scalar, or a plain one that YAML
    /// does not resolve to a boolean, number, null or timestamp.
    var isKubernetesString: Bool {
        guard let scalar else { return false }
        return scalar.style != .plain || tag.description == Tag.Name.str.rawValue
    }

    var line: Int? { mark?.line }
}
