import Synchronization
import Testing

@testable import ProviderServer

/// The heap is trimmed once the provider is idle: after the last mount in flight ends and stays ended for the delay.
@Suite struct IdleHeapTrimTests {
    final class TrimCount: Sendable {
        let value = Mutex(0)
    }

    @Test func trimsOnceAfterTheLastMountEnds() async throws {
        let trims = TrimCount()
        let idle = IdleHeapTrim(delay: .milliseconds(50)) { trims.value.withLock { $0 += 1 } }
        idle.mountStarted()
        idle.mountStarted()
        idle.mountEnded()
        try await Task.sleep(for: .milliseconds(300))
        #expect(trims.value.withLock { $0 } == 0, "one mount is still in flight")
        idle.mountEnded()
        try await Task.sleep(for: .milliseconds(300))
        #expect(trims.value.withLock { $0 } == 1)
    }

    @Test func aMountStartingWithinTheDelayCancelsTheTrim() async throws {
        let trims = TrimCount()
        let idle = IdleHeapTrim(delay: .milliseconds(200)) { trims.value.withLock { $0 += 1 } }
        idle.mountStarted()
        idle.mountEnded()
        idle.mountStarted()
        try await Task.sleep(for: .milliseconds(500))
        #expect(trims.value.withLock { $0 } == 0, "the second mount is in flight")
        idle.mountEnded()
        try await Task.sleep(for: .milliseconds(500))
        #expect(trims.value.withLock { $0 } == 1, "only the trim after the second mount ran")
    }
}
