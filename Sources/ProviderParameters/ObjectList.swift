import Foundation

/// The `objects` parameter read in full: every entry validated, with all problems kept, so a mount can fail on
/// the first and `lint` can show every one.
public struct ObjectList: Sendable {
    /// The entries as written (lint uses the unknown keys).
    public var raw: [RawObject]
    /// The entries that passed validation, in array order.
    public var objects: [KeyVaultObject]
    /// Problems with single entries, then the file-count limit.
    public var problems: [ParameterError]
    /// Output paths two valid entries would both write.
    public var conflicts: [ParameterError]

    /// Throws only when the text as a whole is unusable (not YAML, no `array`, empty, too many entries).
    public static func parse(_ text: String) throws(ParameterError) -> ObjectList {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { throw ParameterError(field: "objects", message: "objects is not set") }
        let raw = try ObjectsYAML.decode(trimmed)
        var objects: [KeyVaultObject] = []
        var problems: [ParameterError] = []
        for entry in raw {
            let (object, entryProblems) = KeyVaultObject.validate(entry)
            if let object { objects.append(object) }
            problems += entryProblems
        }
        let files = objects.reduce(0) { $0 + max(1, $1.versionHistory) }
        if files > RequestLimits.files {
            problems.append(
                ParameterError(
                    field: "objects",
                    message: "objects would produce \(files) files, more than the limit of \(RequestLimits.files)"))
        }
        return ObjectList(raw: raw, objects: objects, problems: problems, conflicts: conflicts(objects))
    }

    /// Paths two objects would both write. A history object owns its whole folder, so `a` conflicts with `a`, with
    /// `a/0` and with anything else under `a/`. Each conflict is an error naming both objects.
    static func conflicts(_ objects: [KeyVaultObject]) -> [ParameterError] {
        var claims = PathClaims<(object: KeyVaultObject, path: String)>()
        var errors: [ParameterError] = []
        for object in objects {
            // The object's own file (a history claims its whole folder), then its jmesPath files.
            let own = (field: object.alias == nil ? "objectName" : "objectAlias", path: object.fileName)
            for claim in [own] + object.jmesPath.map({ (field: "jmesPath", path: $0.alias) }) {
                guard let other = claims.claim(claim.path, by: (object, claim.path))?.owner else { continue }
                errors.append(
                    ParameterError(
                        field: claim.field, objectIndex: object.index, objectName: object.name,
                        message: "file path \"\(claim.path)\" conflicts with \"\(other.path)\" of"
                            + " objects[\(other.object.index)] (objectName \"\(other.object.name)\"): two objects cannot"
                            + " write the same file or a file inside another's path; set a distinct objectAlias"))
            }
        }
        return errors
    }
}
