import KeyVaultClient

/// One Key Vault answer for one object, at one history index (`nil` without history).
struct FetchedVersion: Sendable {
    enum Bundle: Sendable {
        case secret(SecretBundle)
        case key(KeyBundle)
        case certificate(CertificateBundle)
    }

    var historyIndex: Int?
    var bundle: Bundle
}

extension FetchedVersion.Bundle {
    /// The object id Key Vault answered with; its version segment is the version the mount reports.
    var id: String {
        switch self {
        case .secret(let secret): return secret.id
        case .key(let key): return key.key.kid
        case .certificate(let certificate): return certificate.id
        }
    }
}
