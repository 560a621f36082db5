import AzureAuth
import Synchronization
import TestSupport
import Testing

@testable import KeyVaultClient

/// Concurrent reads of the same thing by the same identity share one request; nothing else is shared.
@Suite struct ReadSharingTests {
    static func key(_ identity: String, version: String? = "") -> ReadSharing.Key {
        ReadSharing.Key(
            identity: CountingCredential(name: identity).cacheKey(scope: "https://vault.azure.net/.default"),
            vault: "https://kv.vault.azure.net/", type: .secret, name: "db", version: version)
    }

    /// Reads that wait until `release` is called, counting how many were sent.
    final class SlowVault: Sendable {
        private let state = Mutex((sent: 0, open: [CheckedContinuation<Void, Never>]()))
        var sent: Int { state.withLock { $0.sent } }

        func read(_ answer: String) async throws(KeyVaultError) -> String {
            await withCheckedContinuation { continuation in
                state.withLock {
                    $0.sent += 1
                    $0.open.append(continuation)
                }
            }
            return answer
        }

        func release() {
            for waiter in state.withLock({ state in
                defer { state.open = [] }
                return state.open
            }) { waiter.resume() }
        }
    }

    func readConcurrently(_ sharing: ReadSharing, keys: [ReadSharing.Key], vault: SlowVault) async throws
        -> [(String, Bool)]
    {
        try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            for (index, key) in keys.enumerated() {
                group.addTask {
                    let (answer, joined) = try await sharing.read(key, deadline: farDeadline) {
                        () async throws(KeyVaultError) in try await vault.read("answer-\(index)")
                    }
                    return (answer, joined)
                }
            }
            while vault.sent < Set(keys.map(\.identity)).count { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(20))
            vault.release()
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test func oneIdentityReadingConcurrentlySendsOneRequest() async throws {
        let sharing = ReadSharing()
        let vault = SlowVault()
        let results = try await readConcurrently(
            sharing, keys: Array(repeating: Self.key("a"), count: 10), vault: vault)
        #expect(vault.sent == 1)
        #expect(Set(results.map(\.0)).count == 1)
        #expect(results.filter(\.1).count == 9)
        #expect(sharing.joins == 9)
    }

    @Test func twoIdentitiesNeverShare() async throws {
        let sharing = ReadSharing()
        let vault = SlowVault()
        let results = try await readConcurrently(sharing, keys: [Self.key("a"), Self.key("b")], vault: vault)
        #expect(vault.sent == 2)
        #expect(results.allSatisfy { !$0.1 })
    }

    @Test func aFailureReachesEveryJoinerAndIsNotRemembered() async throws {
        let sharing = ReadSharing()
        let gate = SlowVault()
        let failure = KeyVaultError(kind: .service, status: 403, code: "Forbidden", message: "denied")
        let outcomes = await withTaskGroup(of: KeyVaultError?.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    do throws(KeyVaultError) {
                        _ = try await sharing.read(Self.key("a"), deadline: farDeadline) {
                            () async throws(KeyVaultError) -> String in
                            _ = try await gate.read("")
                            throw failure
                        }
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            while gate.sent < 1 { try? await Task.sleep(for: .milliseconds(5)) }
            try? await Task.sleep(for: .milliseconds(20))
            gate.release()
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes == [failure, failure, failure])
        let (answer, joined) = try await sharing.read(Self.key("a"), deadline: farDeadline) {
            () async throws(KeyVaultError) in "fresh"
        }
        #expect(answer == "fresh" && !joined)
    }
}
