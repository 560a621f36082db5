/// One entry of a version listing: no value, just which version, whether enabled and when created.
public struct VersionItem: Sendable, Equatable {
    /// The version segment of `id`.
    public var version: String
    public var id: String
    public var enabled: Bool?
    /// Unix seconds.
    public var created: Int64?

    public init(version: String, id: String, enabled: Bool?, created: Int64?) {
        self.version = version
        self.id = id
        self.enabled = enabled
        self.created = created
    }
}
