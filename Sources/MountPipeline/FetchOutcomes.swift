import Synchronization

/// One slot per object of a mount, filled by the object's fetch task (see `KeyVaultMounter.fetchAll`).
final class FetchOutcomes: Sendable {
    private let slots: Mutex<[Result<[FetchedVersion], MountError>]>

    init(count: Int) {
        slots = Mutex(Array(repeating: .success([]), count: count))
    }

    func store(_ outcome: Result<[FetchedVersion], MountError>, at index: Int) {
        slots.withLock { $0[index] = outcome }
    }

    var all: [Result<[FetchedVersion], MountError>] { slots.withLock { $0 } }
}
