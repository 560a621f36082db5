import ProviderParameters
import Yams

/// The SecretProviderClass in a manifest file, as the driver would read it from the API server: its name, its
/// namespace and `spec.parameters` as strings.
struct SecretProviderClassManifest: Sendable, Equatable {
    static let kind = "SecretProviderClass"
    /// The same bound `lint` uses: nested aliases would otherwise keep the command busy for hours.
    static let maxAliasExpansion = 100_000

    var name: String
    /// `metadata.namespace`, when the manifest sets one.
    var namespace: String?
    var parameters: [String: String]

    /// The one SecretProviderClass in `text` (several documents allowed), or the one named `className`.
    /// `source` names the file in messages.
    static func select(fromYAML text: String, source: String, className: String?) throws(MountInputError) -> Self {
        let classes = try read(text, source: source)
        if let className {
            guard let match = classes.first(where: { $0.name == className }) else {
                throw MountInputError(
                    "\(source): no SecretProviderClass named \"\(className)\" (found: \(list(classes)))")
            }
            return match
        }
        switch classes.count {
        case 0:
            throw MountInputError("\(source): no SecretProviderClass found (a document with kind: SecretProviderClass)")
        case 1:
            return classes[0]
        default:
            throw MountInputError(
                "\(source): \(classes.count) SecretProviderClasses found (\(list(classes))); choose one with --class NAME"
            )
        }
    }

    private static func list(_ classes: [Self]) -> String {
        classes.isEmpty ? "none" : classes.map { "\"\($0.name)\"" }.joined(separator: ", ")
    }

    static func read(_ text: String, source: String) throws(MountInputError) -> [Self] {
        if YAMLAnchors.expansion(in: text, exceeds: maxAliasExpansion) {
            throw MountInputError(
                "\(source): YAML aliases expand to more than \(maxAliasExpansion) nodes; write the repeated parts out")
        }
        var classes: [Self] = []
        do {
            var nodes = try Yams.compose_all(yaml: text)
            // The sequence stops at a syntax error and keeps it aside instead of throwing.
            while let node = nodes.next() {
                guard let root = node.mapping, root["kind"]?.scalar?.string == kind else { continue }
                classes.append(try manifest(root, source: source))
            }
            if let error = nodes.error { throw error }
        } catch let error as MountInputError {
            throw error
        } catch {
            throw MountInputError("\(source): not valid YAML: \(error)")
        }
        return classes
    }

    /// Kubernetes keeps `spec.parameters` as a map of strings and rejects anything else, so a value that is
    /// not a string could never reach the provider: it is refused here too (`lint` reports the same).
    private static func manifest(_ root: Node.Mapping, source: String) throws(MountInputError) -> Self {
        let metadata = root["metadata"]?.mapping
        let name = metadata?["name"]?.scalar?.string ?? ""
        let namespace = metadata?["namespace"]?.scalar?.string
        let shownName = name.isEmpty ? "<unnamed>" : name
        let provider = root["spec"]?.mapping?["provider"]?.scalar?.string ?? ""
        guard provider == "azure" else {
            throw MountInputError(
                "\(source): SecretProviderClass \(shownName) has spec.provider \"\(provider)\", not \"azure\": the"
                    + " driver would not send it to this provider")
        }
        var parameters: [String: String] = [:]
        for (keyNode, value) in root["spec"]?.mapping?["parameters"]?.mapping ?? [:] {
            guard let key = keyNode.scalar?.string else { continue }
            guard let scalar = value.scalar, scalar.style != .plain || value.tag.description == Tag.Name.str.rawValue
            else {
                throw MountInputError(
                    "\(source): SecretProviderClass \(shownName): spec.parameters.\(key) is not a string; Kubernetes"
                        + " rejects non-string parameters: quote the value (`lint` finds these)")
            }
            parameters[key] = scalar.string
        }
        return SecretProviderClassManifest(
            name: name, namespace: namespace.flatMap { $0.isEmpty ? nil : $0 }, parameters: parameters)
    }
}
