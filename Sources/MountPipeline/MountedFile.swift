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
