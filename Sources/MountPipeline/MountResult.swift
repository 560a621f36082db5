/// Everything a successful mount returns. All or nothing: a failed object fails the whole mount.
public struct MountResult: Sendable, Equatable {
    public var files: [MountedFile]
    public var objectVersions: [ObjectVersion]

    public init(files: [MountedFile], objectVersions: [ObjectVersion]) {
        self.files = files
        self.objectVersions = objectVersions
    }
}
