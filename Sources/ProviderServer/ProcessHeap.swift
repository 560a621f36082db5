import Synchronization

#if canImport(Glibc)
    import CMalloc
#endif

/// What the provider asks of glibc's allocator so that a burst of mounts does not leave the process at the burst's
/// size. glibc keeps memory that was freed in its arenas, one arena per thread that allocated concurrently (up to
/// 8 per core), and returns it only from the top of an arena: after 100 concurrent mounts RSS stayed near the peak.
public enum ProcessHeap {
    /// Two arenas: NIO's event loop threads and Swift's cooperative pool (one thread per core) would otherwise
    /// each get one. Call before the first thread starts.
    public static func limitArenas() {
        #if canImport(Glibc)
            _ = mallopt(M_ARENA_MAX, 2)
        #endif
    }

    /// Returns freed heap pages to the kernel (every arena, not only the top of the main one).
    static func trim() {
        #if canImport(Glibc)
            _ = malloc_trim(0)
        #endif
    }
}

/// Trims the heap once the provider is idle: one second after the last mount in flight ended, unless another mount
/// started meanwhile. Not after every mount: a trim walks every arena, and a steady trickle of mounts needs none.
final class IdleHeapTrim: Sendable {
    static let shared = IdleHeapTrim(delay: .seconds(1), trim: ProcessHeap.trim)

    private struct State {
        var inFlight = 0
        /// Changes whenever a mount starts or the last one ends, so a pending trim knows it is stale.
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())
    private let delay: Duration
    private let trim: @Sendable () -> Void

    init(delay: Duration, trim: @escaping @Sendable () -> Void) {
        self.delay = delay
        self.trim = trim
    }

    func mountStarted() {
        state.withLock { state in
            state.inFlight += 1
            state.generation += 1
        }
    }

    func mountEnded() {
        let idle: UInt64? = state.withLock { state in
            state.inFlight -= 1
            guard state.inFlight == 0 else { return nil }
            state.generation += 1
            return state.generation
        }
        guard let idle else { return }
        Task.detached(priority: .background) { [self] in
            try? await Task.sleep(for: delay)
            guard state.withLock({ $0.inFlight == 0 && $0.generation == idle }) else { return }
            trim()
        }
    }
}
