/// Provider-wide flags that change how certificate-backed secrets are written.
public struct ContentOptions: Sendable, Equatable {
    /// `--construct-pem-chain` (default true): order a PFX's certificates leaf -> intermediates -> root.
    public var constructPEMChain: Bool
    /// `--write-cert-and-key-in-separate-files` (default false): also write `<file>.crt` and `<file>.key`.
    public var writeCertAndKeyInSeparateFiles: Bool

    public init(constructPEMChain: Bool = true, writeCertAndKeyInSeparateFiles: Bool = false) {
        self.constructPEMChain = constructPEMChain
        self.writeCertAndKeyInSeparateFiles = writeCertAndKeyInSeparateFiles
    }
}

/// One file produced from one Key Vault object.
public struct ConvertedFile: Sendable, Equatable {
    /// Appended to the object's file name: "" for the main file, ".crt" or ".key" for the split files.
    public var suffix: String
    /// The exact bytes to write.
    public var contents: [UInt8]

    public init(suffix: String, contents: [UInt8]) {
        self.suffix = suffix
        self.contents = contents
    }
}

/// A conversion failure. The text names what was wrong, never the secret material itself
/// (callers put it into gRPC errors and logs).
public struct ContentError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
