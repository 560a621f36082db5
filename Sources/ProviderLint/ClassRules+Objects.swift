import ProviderParameters
import Yams

/// The `objects` array and the `secretObjects` that refer to its files.
extension ClassRules {
    /// The file names a class produces, for `secretObjects`: all of them, and those of optional objects (which
    /// may be missing).
    struct ProducedFiles {
        var all: Set<String>
        var optional: Set<String>
    }

    /// Reports the objects' problems; returns the files the class produces, or nil when the objects could not be
    /// read at all.
    mutating func checkObjects(_ attributes: [String: String], _ parameters: Node.Mapping) -> ProducedFiles? {
        let objectsLine = line(of: ParameterKey.objects, in: parameters)
        let list: ObjectList
        do throws(ParameterError) {
            list = try ObjectList.parse(attributes[ParameterKey.objects] ?? "")
        } catch {
            add(
                "objects", at: "spec.parameters.objects", line: objectsLine, error.message,
                fix: "write objects as a string: objects: | then array: with one \"- |\" entry per object"
                    + " (objectName and objectType at least)")
            return nil
        }
        for problem in list.problems {
            let path =
                problem.objectIndex.map { "spec.parameters.objects[\($0)].\(problem.field)" }
                ?? "spec.parameters.objects"
            add(
                problem.field == "objects" ? "objects" : "object-field", at: path, line: objectsLine,
                problem.description, fix: Self.objectFix(problem))
        }
        for conflict in list.conflicts {
            add(
                "duplicate-file", at: "spec.parameters.objects[\(conflict.objectIndex ?? 0)].\(conflict.field)",
                line: objectsLine, conflict.description,
                fix: "give one of the objects a distinct objectAlias")
        }
        for raw in list.raw {
            for key in raw.unknownKeys {
                let known = ObjectField.allCases.map(\.rawValue)
                let suggestion = Suggest.closest(to: key, in: known)
                add(
                    "unknown-object-field", .warning, at: "spec.parameters.objects[\(raw.index)].\(key)",
                    line: objectsLine,
                    "objects[\(raw.index)]: field \(key) is not read by the provider"
                        + (suggestion.map { " (did you mean \($0)?)" } ?? ""),
                    fix: suggestion.map { "rename it to \($0)" }
                        ?? "remove it; known fields: \(known.joined(separator: ", "))")
            }
        }
        // What the driver can find by name: every valid object's files, plus the names of invalid ones (already
        // reported) so their mistakes are not reported twice; split files exist with the provider's
        // --write-cert-and-key-in-separate-files.
        func files(_ object: KeyVaultObject) -> [String] { object.paths + object.possibleSplitFilePaths }
        var produced = Set(list.objects.flatMap(files))
        for raw in list.raw {
            let alias = raw[.objectAlias]
            produced.insert(alias.isEmpty ? raw[.objectName] : alias)
        }
        return ProducedFiles(all: produced, optional: Set(list.objects.filter(\.isOptional).flatMap(files)))
    }

    static func objectFix(_ problem: ParameterError) -> String {
        switch problem.field {
        case "objectName": return "set objectName to the name of the secret, key or certificate in Key Vault"
        case "objectType":
            return problem.message.contains("did you mean")
                ? "use the singular form shown (secret, key or cert)" : "set objectType to secret, key or cert"
        case "objectFormat": return "use objectFormat: pem or pfx; pfx only with objectType: secret"
        case "objectEncoding": return "use objectEncoding: utf-8, base64 or hex, and only with objectType: secret"
        case "filePermission": return "write an octal mode in quotes, e.g. filePermission: \"0640\""
        case "objectVersionHistory": return "use a whole number, e.g. objectVersionHistory: 3"
        case "objectVersion": return "use the version id from Key Vault (32 hex characters) or leave it empty"
        case "objectAlias":
            return "use a relative path without '..' or empty elements, e.g. objectAlias: app/db-password"
        case "keyvaultName": return "use the other vault's name only (3 to 24 letters, digits and dashes), not its URL"
        case "optional": return "write optional: \"true\" or optional: \"false\""
        case "jmesPath":
            return "write jmesPath as a list of {path: a.b[0], objectAlias: file} entries on a JSON secret; paths use"
                + " identifiers, \"quoted identifiers\" and [indices]"
        default: return "fix the entry as described"
        }
    }

    /// `secretObjects[].data[].objectName` must be a file the class writes: the driver reads the file by that name.
    mutating func checkSecretObjects(_ spec: Node.Mapping?, files: ProducedFiles) {
        guard let secretObjects = spec?["secretObjects"]?.sequence else { return }
        for (index, entry) in secretObjects.enumerated() {
            let base = "spec.secretObjects[\(index)]"
            guard let mapping = entry.mapping else { continue }
            for field in ["secretName", "type"] where (mapping[field]?.plainString ?? "").isEmpty {
                add(
                    "secret-objects", at: "\(base).\(field)", line: entry.line,
                    "secretObjects[\(index)] has no \(field); the driver cannot create the Kubernetes Secret",
                    fix: field == "type" ? "set type, e.g. Opaque or kubernetes.io/tls" : "set secretName")
            }
            for (dataIndex, data) in (mapping["data"]?.sequence ?? []).enumerated() {
                let objectName = data.mapping?["objectName"]?.plainString ?? ""
                let line = data.mapping?["objectName"]?.line ?? data.line
                if files.optional.contains(objectName) {
                    add(
                        "secret-objects-optional", .warning, at: "\(base).data[\(dataIndex)].objectName", line: line,
                        "secretObjects refers to \"\(objectName)\" of an optional object: when the object does not"
                            + " exist the file is missing and the driver fails to sync the Secret",
                        fix: "make the object required, or sync it in a Secret of its own")
                    continue
                }
                guard !files.all.contains(objectName) else { continue }
                add(
                    "secret-objects", at: "\(base).data[\(dataIndex)].objectName",
                    line: line,
                    "secretObjects refers to objectName \"\(objectName)\", which this class never writes",
                    fix: "use the objectAlias (or objectName when there is no alias) of an entry in objects: "
                        + files.all.sorted().prefix(10).joined(separator: ", "))
            }
        }
    }
}
