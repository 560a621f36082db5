import Foundation
import KeyVaultClient
import KeyVaultIdentifiers
import Synchronization

/// A vault held in memory, read through the same seam as the HTTPS client: the pipeline cannot tell them
/// apart. Objects have versions (the newest is "latest"); reads can be made to fail or to take time.
final class InMemoryVault: VaultReading {
    struct Version {
        var version: String
        var enabled = true
        var created: Int64
        var value: String
    }

    struct Address: Hashable {
        var type: ObjectType
        var name: String
    }

    private struct State {
        var objects: [Address: [Version]] = [:]
        var failures: [Address: KeyVaultError] = [:]
        var delays: [Address: Duration] = [:]
        var reads: [String] = []
        var cancelledReads = 0
        var inFlight = 0
        var peakInFlight = 0
    }

    private let state = Mutex(State())
    let vaultURL = "https://memory.vault.test"

    /// Adds a version; the last one added with the highest `created` is the latest.
    func add(
        _ type: ObjectType, _ name: String, version: String, value: String, created: Int64 = 0, enabled: Bool = true
    ) {
        state.withLock {
            $0.objects[Address(type: type, name: name), default: []].append(
                Version(version: version, enabled: enabled, created: created, value: value))
        }
    }

    func fail(_ type: ObjectType, _ name: String, with error: KeyVaultError) {
        state.withLock { $0.failures[Address(type: type, name: name)] = error }
    }

    /// Every read of the object takes this long (cancellation ends the wait, as it ends a real request).
    func delay(_ type: ObjectType, _ name: String, by duration: Duration) {
        state.withLock { $0.delays[Address(type: type, name: name)] = duration }
    }

    /// `<collection>/<name>/<version>` for every read, `<collection>/<name>/versions` for every listing.
    var reads: [String] { state.withLock { $0.reads } }
    var cancelledReads: Int { state.withLock { $0.cancelledReads } }
    /// The most reads that were under way at once.
    var peakInFlight: Int { state.withLock { $0.peakInFlight } }

    /// Every read is sent: an in-memory vault shares nothing between mounts.
    var statistics: ReadStatistics { ReadStatistics(sent: reads.count) }

    func getSecret(name: String, version: String, deadline: ContinuousClock.Instant) async throws(KeyVaultError)
        -> SecretBundle
    {
        let found = try await read(.secret, name, version: version)
        return SecretBundle(value: found.value, id: id(.secret, name, found.version))
    }

    func getKey(name: String, version: String, deadline: ContinuousClock.Instant) async throws(KeyVaultError)
        -> KeyBundle
    {
        let found = try await read(.key, name, version: version)
        // The value of a key is its JWK, as JSON.
        var jwk = try! JSONDecoder().decode(JSONWebKey.self, from: Data(found.value.utf8))
        jwk.kid = id(.key, name, found.version)
        return KeyBundle(key: jwk)
    }

    func getCertificate(name: String, version: String, deadline: ContinuousClock.Instant) async throws(KeyVaultError)
        -> CertificateBundle
    {
        let found = try await read(.cert, name, version: version)
        return CertificateBundle(id: id(.cert, name, found.version), cer: found.value)
    }

    func listVersions(of type: ObjectType, name: String, deadline: ContinuousClock.Instant) async throws(KeyVaultError)
        -> [VersionItem]
    {
        let address = Address(type: type, name: name)
        let versions = try await access(address, record: "\(type.collection)/\(name)/versions")
        // Key Vault lists in no particular order: the reverse of insertion makes callers sort.
        return versions.reversed().map {
            VersionItem(version: $0.version, id: id(type, name, $0.version), enabled: $0.enabled, created: $0.created)
        }
    }

    private func id(_ type: ObjectType, _ name: String, _ version: String) -> String {
        "\(vaultURL)/\(type.collection)/\(name)/\(version)"
    }

    private func read(_ type: ObjectType, _ name: String, version: String) async throws(KeyVaultError) -> Version {
        let versions = try await access(
            Address(type: type, name: name), record: "\(type.collection)/\(name)/\(version)")
        let found =
            version.isEmpty
            ? versions.filter(\.enabled).max { $0.created < $1.created }
            : versions.first { $0.version == version }
        guard let found else {
            throw KeyVaultError(kind: .service, status: 404, code: "\(type)NotFound", message: "\(name) was not found")
        }
        guard found.enabled else {
            throw KeyVaultError(
                kind: .service, status: 403, code: "Forbidden", message: "Operation is not allowed on a disabled object"
            )
        }
        return found
    }

    /// Records the read, waits out its delay, then fails as scripted or returns the object's versions.
    private func access(_ address: Address, record: String) async throws(KeyVaultError) -> [Version] {
        let (delay, failure, versions) = state.withLock {
            $0.reads.append(record)
            $0.inFlight += 1
            $0.peakInFlight = max($0.peakInFlight, $0.inFlight)
            return ($0.delays[address], $0.failures[address], $0.objects[address])
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        if let delay {
            do {
                try await Task.sleep(for: delay)
            } catch {
                state.withLock { $0.cancelledReads += 1 }
                throw KeyVaultError(kind: .transport, message: "cancelled")
            }
        }
        if let failure { throw failure }
        guard let versions else {
            throw KeyVaultError(
                kind: .service, status: 404, code: "\(address.type)NotFound", message: "\(address.name) was not found")
        }
        return versions
    }
}
