/// One entry of the `objects` array as written, before validation: each known field's text (trimmed, as the
/// Go provider trims every field), the `jmesPath` entries, and the keys nobody knows, which `lint` reports as
/// likely typos.
public struct RawObject: Sendable, Equatable {
    public var index: Int
    public var fields: [String: String]
    /// Each `jmesPath` entry's fields (`path`, `objectAlias`, `filePermission`), trimmed.
    public var jmesPath: [[String: String]] = []
    public var unknownKeys: [String]

    public subscript(field: ObjectField) -> String { fields[field.rawValue] ?? "" }
}
