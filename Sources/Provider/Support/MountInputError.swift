/// Input `mount` could not use: an unreadable or ambiguous class file, a missing token or secret file, an
/// output directory it will not overwrite. Exit status 2, as `lint` uses for unreadable input; a mount that
/// ran and failed exits 1.
struct MountInputError: Error, Sendable, Equatable, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
