import KeyVaultIdentifiers

/// The reads a mount makes from one vault. `VaultClient` makes them over HTTPS; the pipeline's tests use an
/// in-memory vault behind the same seam. Every failure is a `KeyVaultError`.
public protocol VaultReading: Sendable {
    /// The latest version when `version` is empty.
    func getSecret(name: String, version: String, deadline: ContinuousClock.Instant) async throws(KeyVaultError)
        -> SecretBundle
    func getKey(name: String, version: String, deadline: ContinuousClock.Instant) async throws(KeyVaultError)
        -> KeyBundle
    func getCertificate(name: String, version: String, deadline: ContinuousClock.Instant) async throws(KeyVaultError)
        -> CertificateBundle
    /// Every version, disabled ones included, in no particular order.
    func listVersions(of type: ObjectType, name: String, deadline: ContinuousClock.Instant) async throws(KeyVaultError)
        -> [VersionItem]
    /// The reads made so far through this reader.
    var statistics: ReadStatistics { get }
}
