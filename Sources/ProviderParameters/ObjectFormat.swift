/// `objectFormat`: how a certificate-backed secret is written (`pem` converts a PFX; `pfx` keeps it).
public enum ObjectFormat: String, Sendable, CaseIterable {
    case pem
    case pfx
}
