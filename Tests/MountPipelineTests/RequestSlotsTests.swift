import Synchronization
import Testing

@testable import MountPipeline

@Suite struct RequestSlotsTests {
    /// Counts how many bodies run at once.
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

    @Test func neverMoreThanTheLimitInFlight() async throws {
        let slots = RequestSlots(limit: 4)
        let gauge = Gauge()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<40 {
                group.addTask {
                    try await slots.run { () async throws(MountError) -> Int in
                        gauge.enter()
                        try? await Task.sleep(for: .milliseconds(5))
                        gauge.leave()
                        return index
                    }
                }
            }
            var seen = Set<Int>()
            for try await index in group { seen.insert(index) }
            #expect(seen.count == 40)
        }
        #expect(gauge.peak == 4)
    }

    @Test func aFailingBodyGivesItsSlotBack() async throws {
        let slots = RequestSlots(limit: 1)
        await #expect(throws: MountError.self) {
            try await slots.run { () async throws(MountError) -> Int in throw MountError(.notFound, "x") }
        }
        let value = try await slots.run { () async throws(MountError) -> Int in 7 }
        #expect(value == 7)
    }
}
