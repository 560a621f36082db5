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
