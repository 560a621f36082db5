/// At most `limit` Key Vault requests of one mount in flight, whether they read objects or the versions
/// of a history: a class with many objects or long histories must not open hundreds of connections or
/// invite throttling (Key Vault allows 4,000 reads per vault per 10 s).
actor RequestSlots {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        available = limit
    }

    /// Runs `body` holding a slot. A mount that was cancelled (another object failed) gives its slot back
    /// without starting the request.
    func run<T: Sendable>(_ body: @Sendable () async throws(MountError) -> T) async throws(MountError) -> T {
        await acquire()
        if Task.isCancelled {
            release()
            throw MountError(.internalError, "mount cancelled")
        }
        do {
            let value = try await body()
            release()
            return value
        } catch {
            release()
            throw error
        }
    }

    private func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
