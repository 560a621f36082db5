import AzureHTTP
import KeyVaultClient
import KeyVaultIdentifiers
import ProviderMetrics
import Synchronization

/// The reads of one mount, each made once: two objects naming the same version share a read, and a history
/// whose newest version is also mounted as "latest" reuses that read instead of asking for the version again.
final class MountReads: Sendable {
    private struct Key: Hashable {
        var vault: String
        var type: ObjectType
        var name: String
        /// `""` for the latest version.
        var version: String
    }

    private let reads = Mutex<[Key: SharedFlight<FetchedVersion.Bundle, KeyVaultError>]>([:])
    private let reuseCount = Atomic<Int>(0)

    /// Reads answered by another read of the same mount.
    var reused: Int { reuseCount.load(ordering: .relaxed) }

    func read(
        _ vault: String, _ type: ObjectType, _ name: String, version: String, deadline: ContinuousClock.Instant,
        perform: () async throws(KeyVaultError) -> FetchedVersion.Bundle
    ) async throws(KeyVaultError) -> FetchedVersion.Bundle {
        // The latest version, once known, may be the very version asked for.
        if !version.isEmpty, let latest = flight(Key(vault: vault, type: type, name: name, version: "")),
            case .success(let bundle) = await wait(latest, deadline: deadline),
            KeyVaultID(parsing: bundle.id).version == version
        {
            countReuse()
            return bundle
        }
        let key = Key(vault: vault, type: type, name: name, version: version)
        let (flight, starts) = reads.withLock { reads in
            if let existing = reads[key] { return (existing, false) }
            let flight = SharedFlight<FetchedVersion.Bundle, KeyVaultError>()
            reads[key] = flight
            return (flight, true)
        }
        guard starts else {
            countReuse()
            return try await wait(flight, deadline: deadline).get()
        }
        let outcome: Result<FetchedVersion.Bundle, KeyVaultError>
        do throws(KeyVaultError) {
            outcome = .success(try await perform())
        } catch {
            outcome = .failure(error)
        }
        flight.finish(outcome)
        return try outcome.get()
    }

    private func countReuse() {
        reuseCount.add(1, ordering: .relaxed)
        ProviderMetrics.sharedRead(scope: "mount")
    }

    private func flight(_ key: Key) -> SharedFlight<FetchedVersion.Bundle, KeyVaultError>? {
        reads.withLock { $0[key] }
    }

    private func wait(_ flight: SharedFlight<FetchedVersion.Bundle, KeyVaultError>, deadline: ContinuousClock.Instant)
        async -> Result<FetchedVersion.Bundle, KeyVaultError>
    {
        await flight.wait(
            until: deadline,
            timedOut: .failure(KeyVaultError(kind: .transport, message: "deadline exceeded", isDeadlineExceeded: true)),
            cancelled: .failure(KeyVaultError(kind: .cancelled, message: "cancelled")))
    }
}
