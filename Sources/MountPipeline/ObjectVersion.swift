/// One `{id, version}` the driver records per object (per file: split files repeat the id).
public struct ObjectVersion: Sendable, Equatable, Hashable {
    public var id: String
    public var version: String

    public init(id: String, version: String) {
        self.id = id
        self.version = version
    }
}
