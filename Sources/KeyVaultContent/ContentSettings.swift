/// Provider-wide flags that change how certificate-backed secrets are written.
public struct ContentSettings: Sendable, Equatable {
    /// `--construct-pem-chain` (default true): order a PFX's certificates leaf -> intermediates -> root.
    public var constructPEMChain: Bool
    /// `--write-cert-and-key-in-separate-files` (default false): also write `<file>.crt` and `<file>.key`.
    public var writeCertAndKeyInSeparateFiles: Bool

    public init(constructPEMChain: Bool = true, writeCertAndKeyInSeparateFiles: Bool = false) {
        self.constructPEMChain = constructPEMChain
        self.writeCertAndKeyInSeparateFiles = writeCertAndKeyInSeparateFiles
    }
}
