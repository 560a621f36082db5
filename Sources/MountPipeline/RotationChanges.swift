/// The objects whose version changed since the driver's last mount of the volume: the driver sends the versions
/// it holds (`currentObjectVersions`) with every rotation poll.
struct RotationChanges: Sendable, Equatable {
    /// `secret/db: 1a2b -> 3c4d`, in the order of the new answer.
    var changes: [String]

    init(previous: [ObjectVersion], current: [ObjectVersion]) {
        let held = Dictionary(previous.map { ($0.id, $0.version) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        changes = current.compactMap { version in
            // Split files repeat their object's id: one change per object.
            guard seen.insert(version.id).inserted, let old = held[version.id], old != version.version else {
                return nil
            }
            return "\(version.id): \(old) -> \(version.version)"
        }
    }
}
