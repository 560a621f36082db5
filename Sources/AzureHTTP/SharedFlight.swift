import Synchronization

/// The outcome of one shared request (a token, a Key Vault read), awaited by every caller that joined it. Each
/// caller waits on its own terms: it leaves at its own deadline or when its task is cancelled, without affecting
/// the request or the other waiters (awaiting the request's `Task` directly would allow neither).
public final class SharedFlight<Success: Sendable, Failure: Error>: Sendable {
    public typealias Outcome = Result<Success, Failure>

    private struct State {
        var outcome: Outcome?
        var waiters: [UInt64: CheckedContinuation<Outcome, Never>] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Hands `outcome` to every waiter, present and future.
    public func finish(_ outcome: Outcome) {
        let waiting = state.withLock { state in
            state.outcome = outcome
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiting { waiter.resume(returning: outcome) }
    }

    /// The request's outcome, or `timedOut` once `deadline` passes, or `cancelled` once the calling task is.
    public func wait(until deadline: ContinuousClock.Instant, timedOut: Outcome, cancelled: Outcome) async -> Outcome {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        let timer = Task {
            guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
            leave(id, with: timedOut)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Checked under the lock that `leave` takes, so a timer or cancellation that fired before this
                // waiter was registered is not lost.
                let early: Outcome? = state.withLock { state in
                    if let outcome = state.outcome { return outcome }
                    if Task.isCancelled { return cancelled }
                    if ContinuousClock.now >= deadline { return timedOut }
                    state.waiters[id] = continuation
                    return nil
                }
                if let early { continuation.resume(returning: early) }
            }
        } onCancel: {
            leave(id, with: cancelled)
        }
    }

    private func leave(_ id: UInt64, with outcome: Outcome) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: outcome)
    }
}
