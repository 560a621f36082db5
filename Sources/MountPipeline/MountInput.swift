/// A Mount request as the pipeline sees it: the driver's JSON strings, untouched.
public struct MountInput: Sendable {
    public var attributes: String
    public var secrets: String
    public var permission: String
    public var currentObjectVersions: [ObjectVersion]

    public init(attributes: String, secrets: String, permission: String, currentObjectVersions: [ObjectVersion] = []) {
        self.attributes = attributes
        self.secrets = secrets
        self.permission = permission
        self.currentObjectVersions = currentObjectVersions
    }
}
