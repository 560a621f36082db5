import AzureHTTP
import Synchronization
import Testing

/// The process-wide bound per destination and the `Retry-After` pause every caller of it waits out.
@Suite struct RequestGateTests {
    /// Counts how many callers hold a place at once.
    final class Gauge: Sendable {
        private let state = Mutex((current: 0, peak: 0))
        func enter() {
            state.withLock {
                $0.current += 1
                $0.peak = max($0.peak, $0.current)
            }
        }
        func leave() { state.withLock { $0.current -= 1 } }
        var peak: Int { state.withLock { $0.peak } }
    }

    let far = ContinuousClock.now + .seconds(30)

    @Test func neverMoreThanTheLimitInFlight() async throws {
        let gate = RequestGate(limit: 4)
        let gauge = Gauge()
        let far = self.far
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await gate.enter(deadline: far)
                    gauge.enter()
                    try? await Task.sleep(for: .milliseconds(5))
                    gauge.leave()
                    gate.leave()
                }
            }
            try await group.waitForAll()
        }
        #expect(gauge.peak == 4)
        #expect(gate.inFlight == 0)
    }

    @Test func aWaitingCallerGivesUpAtItsDeadline() async throws {
        let gate = RequestGate(limit: 1)
        try await gate.enter(deadline: far)
        let started = ContinuousClock.now
        await #expect(throws: RequestGate.Refusal.deadlineExceeded) {
            try await gate.enter(deadline: .now + .milliseconds(100))
        }
        #expect(ContinuousClock.now - started >= .milliseconds(100))
        gate.leave()
        try await gate.enter(deadline: far)  // the place given back is free again
        #expect(gate.inFlight == 1)
    }

    @Test func aCancelledCallerLeavesTheQueue() async throws {
        let gate = RequestGate(limit: 1)
        try await gate.enter(deadline: far)
        let far = self.far
        let waiter = Task { try await gate.enter(deadline: far) }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        await #expect(throws: RequestGate.Refusal.cancelled) { try await waiter.value }
        gate.leave()
        #expect(gate.inFlight == 0)
    }

    @Test func aPauseDelaysEveryCallerOnce() async throws {
        let gate = RequestGate(limit: 8)
        gate.pause(until: .now + .milliseconds(200))
        let started = ContinuousClock.now
        let far = self.far
        try await withThrowingTaskGroup(of: Duration.self) { group in
            for _ in 0..<5 {
                group.addTask {
                    try await gate.enter(deadline: far)
                    gate.leave()
                    return ContinuousClock.now - started
                }
            }
            for try await waited in group {
                #expect(waited >= .milliseconds(200) && waited < .seconds(5))
            }
        }
    }

    @Test func aPausePastTheDeadlineIsRefusedAtOnce() async throws {
        let gate = RequestGate(limit: 8)
        let until = ContinuousClock.now + .seconds(60)
        gate.pause(until: until)
        let started = ContinuousClock.now
        await #expect(throws: RequestGate.Refusal.paused(until: until)) {
            try await gate.enter(deadline: .now + .seconds(1))
        }
        #expect(ContinuousClock.now - started < .milliseconds(500))
    }
}
