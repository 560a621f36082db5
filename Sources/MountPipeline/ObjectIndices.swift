import Synchronization

/// A set of object indices that the concurrent reads of one mount add to.
final class ObjectIndices: Sendable {
    private let indices = Mutex<Set<Int>>([])

    func insert(_ index: Int) { _ = indices.withLock { $0.insert(index) } }
    func contains(_ index: Int) -> Bool { indices.withLock { $0.contains(index) } }
}
