import Synchronization

/// Whether graceful shutdown has begun. gRPC signals it to every in-flight RPC through the same cancellation
/// handle as a client that left; a mount in flight must finish then (within the grace period), so the service
/// tells the two apart by this flag.
final class Draining: Sendable {
    private let flag = Atomic(false)

    var hasBegun: Bool { flag.load(ordering: .acquiring) }

    func begin() { flag.store(true, ordering: .releasing) }
}
