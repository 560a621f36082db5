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

/// One `{id, version}` the driver records per object (per file: split files repeat the id).
public struct ObjectVersion: Sendable, Equatable, Hashable {
    public var id: String
    public var version: String

    public init(id: String, version: String) {
        self.id = id
        self.version = version
    }
}

/// One file for the driver to write: a relative path, a mode and the bytes.
public struct MountedFile: Sendable, Equatable {
    public var path: String
    public var mode: Int32
    public var contents: [UInt8]

    public init(path: String, mode: Int32, contents: [UInt8]) {
        self.path = path
        self.mode = mode
        self.contents = contents
    }
}

/// Everything a successful mount returns. All or nothing: a failed object fails the whole mount.
public struct MountResult: Sendable, Equatable {
    public var files: [MountedFile]
    public var objectVersions: [ObjectVersion]

    public init(files: [MountedFile], objectVersions: [ObjectVersion]) {
        self.files = files
        self.objectVersions = objectVersions
    }
}

/// What the gRPC service calls. The real pipeline implements it; server tests may count calls through it.
public protocol MountHandler: Sendable {
    func mount(_ input: MountInput) async throws(MountError) -> MountResult
}
