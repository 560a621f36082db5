/// One file produced from one Key Vault object.
public struct ConvertedFile: Sendable, Equatable {
    /// Appended to the object's file name: "" for the main file, a `SplitFile` suffix for the split files.
    public var suffix: String
    /// The exact bytes to write.
    public var contents: [UInt8]

    public init(suffix: String, contents: [UInt8]) {
        self.suffix = suffix
        self.contents = contents
    }
}
