import Foundation
import ProviderParameters
import Yams

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
                documents.append(
                    ManifestDocument(
                        file: file, index: index, root: root, kind: kind,
                        apiVersion: root["apiVersion"]?.plainString ?? "", name: metadata?["name"]?.plainString ?? "",
                        namespace: metadata?["namespace"]?.plainString,
                        ignoredRules: Set(ignored.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                    ))
            }
            if let error = nodes.error { throw error }
        } catch {
            throw LintInputError(file: file, message: "not valid YAML: \(error)")
        }
        return documents
    }
}
