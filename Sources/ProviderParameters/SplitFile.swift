/// The files a certificate-backed secret gets beside its main file with `--write-cert-and-key-in-separate-files`:
/// `<file>.crt` (the certificates) and `<file>.key` (the private key).
public enum SplitFile: String, Sendable, CaseIterable {
    case certificate = ".crt"
    case privateKey = ".key"

    public var suffix: String { rawValue }
}
