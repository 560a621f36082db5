import Foundation
import Yams

/// Reads the `objects` parameter: YAML with a top-level `array:` whose items are YAML documents held in strings
/// (`- |` block scalars, the documented form) or, as users also write them, inline mappings.
enum ObjectsYAML {
    /// Anchors and aliases are refused before composing: see `YAMLAnchors` for why they can hang a mount.
    /// No documented class uses them, and objects are short enough to write out.
    static let anchorsRefused = "YAML anchors and aliases are not supported in objects"

    static func decode(_ text: String) throws(ParameterError) -> [RawObject] {
        if YAMLAnchors.present(in: text) { throw ParameterError(field: "objects", message: anchorsRefused) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ParameterError(
                field: "objects", message: "failed to yaml unmarshal objects, error: \(shortened(error))")
        }
        guard let root else { throw ParameterError(field: "objects", message: "objects array is empty") }
        guard let top = root.mapping else {
            throw ParameterError(
                field: "objects",
                message:
                    "failed to yaml unmarshal objects, error: objects must be a YAML mapping with an \"array\" list")
        }
        guard let arrayNode = top["array"], !arrayNode.isPlainNull else {
            throw ParameterError(field: "objects", message: "objects array is empty")
        }
        guard let items = arrayNode.sequence else {
            throw ParameterError(
                field: "objects", message: "failed to yaml unmarshal objects, error: \"array\" must be a YAML list")
        }
        if items.isEmpty { throw ParameterError(field: "objects", message: "objects array is empty") }
        if items.count > RequestLimits.objects {
            throw ParameterError(
                field: "objects",
                message: "objects array has \(items.count) entries, more than the limit of \(RequestLimits.objects)")
        }
        var result: [RawObject] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            result.append(try decodeItem(item, index: index))
        }
        return result
    }

    private static func decodeItem(_ item: Node, index: Int) throws(ParameterError) -> RawObject {
        func failure(_ why: String) -> ParameterError {
            ParameterError(
                field: "objects", objectIndex: index,
                message: "unmarshal failed for keyVaultObjects at index \(index), error: \(why)")
        }
        let mapping: Node.Mapping
        switch item {
        case .mapping(let inline):
            mapping = inline
        case .scalar(let scalar) where !item.isPlainNull:
            if YAMLAnchors.present(in: scalar.string) { throw failure(anchorsRefused) }
            let document: Node?
            do {
                document = try Yams.compose(yaml: scalar.string)
            } catch {
                throw failure(shortened(error))
            }
            guard let document else { throw failure("the entry is empty") }
            guard let inner = document.mapping else {
                throw failure("the entry must be a YAML mapping of object fields, e.g. \"objectName: name\"")
            }
            mapping = inner
        default:
            throw failure("the entry must be a YAML mapping of object fields, e.g. \"objectName: name\"")
        }

        var fields: [String: String] = [:]
        var jmesPath: [[String: String]] = []
        var unknown: [String] = []
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.scalar?.string else { throw failure("field names must be plain text") }
            guard let field = ObjectField(rawValue: key) else {
                if !unknown.contains(key) { unknown.append(key) }
                continue
            }
            if field == .jmesPath {
                jmesPath = try jmesPathEntries(valueNode, failure: failure)
                continue
            }
            guard let scalar = valueNode.scalar else {
                throw failure("\(key) must be a single value, not a list or mapping")
            }
            // An unquoted null (`objectAlias:` or `~`) leaves the field empty, as Go's YAML decoder does.
            let text = valueNode.isPlainNull ? "" : scalar.string
            fields[key] = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return RawObject(index: index, fields: fields, jmesPath: jmesPath, unknownKeys: unknown)
    }

    /// `jmesPath`: a list of mappings of `path`, `objectAlias` and `filePermission`, as the AWS provider writes it.
    private static func jmesPathEntries(
        _ node: Node, failure: (String) -> ParameterError
    ) throws(ParameterError) -> [[String: String]] {
        let shape = "jmesPath must be a list of entries like {path: db.password, objectAlias: db-password}"
        if node.isPlainNull { return [] }
        guard let items = node.sequence else { throw failure(shape) }
        var entries: [[String: String]] = []
        for item in items {
            guard let mapping = item.mapping else { throw failure(shape) }
            var entry: [String: String] = [:]
            for (keyNode, valueNode) in mapping {
                guard let key = keyNode.scalar?.string, ["path", "objectAlias", "filePermission"].contains(key) else {
                    throw failure(shape + "; each entry has path, objectAlias and optionally filePermission")
                }
                guard let scalar = valueNode.scalar else { throw failure("jmesPath \(key) must be a single value") }
                entry[key] = (valueNode.isPlainNull ? "" : scalar.string).trimmingCharacters(
                    in: .whitespacesAndNewlines)
            }
            entries.append(entry)
        }
        return entries
    }

    /// The YAML library's error, each line cut at `maximumLineLength`: it quotes the offending line, and a hostile
    /// line (10,000 nested brackets) would otherwise make a status message larger than gRPC clients accept.
    static let maximumLineLength = 200

    static func shortened(_ error: any Error) -> String {
        "\(error)".split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.count > maximumLineLength ? line.prefix(maximumLineLength) + "..." : line
        }.joined(separator: "\n")
    }
}
