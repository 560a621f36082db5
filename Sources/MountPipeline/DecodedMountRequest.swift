/// The JSON strings of a MountRequest, decoded. The driver sends `attributes` and `secrets` as JSON
/// objects of strings and `permission` as the JSON of a file mode (`420` = 0644).
public struct DecodedMountRequest: Sendable, Equatable {
    public var attributes: [String: String]
    public var secrets: [String: String]
    public var defaultFileMode: Int32

    public init(attributes: [String: String], secrets: [String: String], defaultFileMode: Int32) {
        self.attributes = attributes
        self.secrets = secrets
        self.defaultFileMode = defaultFileMode
    }
}
