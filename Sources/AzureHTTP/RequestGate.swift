import Synchronization

/// A process-wide bound on the requests in flight to one destination (a vault), and the pause that destination
/// asked for: after a 429 with `Retry-After`, every caller of the destination waits the pause out once, instead
/// of each discovering it with a request of its own.
public final class RequestGate: Sendable {
    /// Why `enter` did not admit the caller.
    public enum Refusal: Error, Sendable, Equatable {
        /// The destination asked for a pause that outlasts the caller's deadline.
        case paused(until: ContinuousClock.Instant)
        case deadlineExceeded
        case cancelled
    }

    private struct State {
        var inFlight = 0
        var pausedUntil: ContinuousClock.Instant = .now
        /// Callers waiting for a place, first come first served.
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextID: UInt64 = 0
    }

    public let limit: Int
    private let state = Mutex(State())

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Requests in flight now (for metrics and tests).
    public var inFlight: Int { state.withLock { $0.inFlight } }

    /// Waits for the pause to end and for a place. Every `enter` that returns must be matched by one `leave`.
    public func enter(deadline: ContinuousClock.Instant) async throws(Refusal) {
        while true {
            let pausedUntil = state.withLock { $0.pausedUntil }
            if pausedUntil > ContinuousClock.now {
                guard pausedUntil < deadline else { throw .paused(until: pausedUntil) }
                do {
                    try await Task.sleep(until: pausedUntil, clock: .continuous)
                } catch {
                    throw .cancelled
                }
            }
            try await takePlace(deadline: deadline)
            // A pause announced while this caller queued applies to it too.
            if state.withLock({ $0.pausedUntil }) <= ContinuousClock.now { return }
            leave()
        }
    }

    /// Gives the place back, to the longest-waiting caller if there is one.
    public func leave() {
        let next = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            if state.waiters.isEmpty {
                state.inFlight -= 1
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        next?.resume(returning: true)
    }

    /// Every caller that enters before `instant` waits until then. A later pause extends an earlier one.
    public func pause(until instant: ContinuousClock.Instant) {
        state.withLock { $0.pausedUntil = max($0.pausedUntil, instant) }
    }

    private func takePlace(deadline: ContinuousClock.Instant) async throws(Refusal) {
        let id: UInt64? = state.withLock { state in
            if state.inFlight < limit {
                state.inFlight += 1
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        let timer = Task {
            guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
            withdraw(id)
        }
        defer { timer.cancel() }
        let admitted = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Checked under the lock `withdraw` takes, so a deadline or cancellation that came first is not lost.
                let early = state.withLock { state -> Bool in
                    if Task.isCancelled || ContinuousClock.now >= deadline { return true }
                    state.waiters.append((id, continuation))
                    return false
                }
                if early { continuation.resume(returning: false) }
            }
        } onCancel: {
            withdraw(id)
        }
        guard admitted else { throw Task.isCancelled ? .cancelled : .deadlineExceeded }
    }

    /// Takes a waiting caller out of the queue without a place.
    private func withdraw(_ id: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index).continuation
        }
        continuation?.resume(returning: false)
    }
}
