import AzureAuth
import AzureHTTP
import KeyVaultIdentifiers
import ProviderMetrics
import Synchronization

/// Process-wide: concurrent reads of the same thing, by the same identity, from the same vault, share one
/// request and its answer. Nothing is remembered once the request ends (the next read asks again, so rotation
/// sees new versions), and two identities never share: each may be allowed to see different things.
public final class ReadSharing: Sendable {
    /// What makes two reads the same read.
    struct Key: Hashable, Sendable {
        /// Who asks: the credential's identity and the token scope.
        var identity: TokenCacheKey
        /// The vault's base URL.
        var vault: String
        var type: ObjectType
        var name: String
        /// `nil` for the version listing; `""` for the latest version.
        var version: String?
    }

    private let flights = Mutex<[Key: SharedFlight<any Sendable, KeyVaultError>]>([:])
    private let joinCount = Atomic<Int>(0)

    public init() {}

    /// Reads that joined another's request instead of sending their own, since start.
    public var joins: Int { joinCount.load(ordering: .relaxed) }

    /// The answer of `perform`, or of the same read already under way; `joined` says which. A caller that
    /// joined and saw the starter's own cancellation or deadline (not its own) reads again.
    func read<Answer: Sendable>(
        _ key: Key, deadline: ContinuousClock.Instant, perform: () async throws(KeyVaultError) -> Answer
    ) async throws(KeyVaultError) -> (answer: Answer, joined: Bool) {
        let (flight, starts) = flights.withLock { flights in
            if let existing = flights[key] { return (existing, false) }
            let flight = SharedFlight<any Sendable, KeyVaultError>()
            flights[key] = flight
            return (flight, true)
        }
        if starts {
            let outcome: Result<any Sendable, KeyVaultError>
            do throws(KeyVaultError) {
                outcome = .success(try await perform())
            } catch {
                outcome = .failure(error)
            }
            // Forgotten before it is handed out: a read that starts from now on asks the vault again.
            flights.withLock { _ = $0.removeValue(forKey: key) }
            flight.finish(outcome)
            return (try Self.answer(outcome), false)
        }
        joinCount.add(1, ordering: .relaxed)
        ProviderMetrics.sharedRead(scope: "mounts")
        let outcome = await flight.wait(
            until: deadline,
            timedOut: .failure(
                KeyVaultError(
                    kind: .transport, message: "deadline exceeded while waiting for a shared read",
                    isDeadlineExceeded: true)),
            cancelled: .failure(KeyVaultError(kind: .cancelled, message: "cancelled")))
        if case .failure(let error) = outcome, error.kind == .cancelled || error.isDeadlineExceeded,
            !Task.isCancelled, ContinuousClock.now < deadline
        {
            return try await read(key, deadline: deadline, perform: perform)
        }
        return (try Self.answer(outcome), true)
    }

    private static func answer<Answer>(_ outcome: Result<any Sendable, KeyVaultError>) throws(KeyVaultError) -> Answer {
        switch outcome {
        case .success(let value):
            // The key names the operation, so every read under one key returns the same type.
            guard let answer = value as? Answer else {
                throw KeyVaultError(kind: .malformedResponse, message: "shared read returned \(type(of: value))")
            }
            return answer
        case .failure(let error):
            throw error
        }
    }
}
