import Foundation
import MountPipeline

/// Writes a mount's files the way the driver's atomic writer does, so the folder looks like a pod's volume:
/// the files in a new `..<timestamp>.<n>` directory with their own modes, a `..data` symlink to it swapped in
/// with one rename, and one top-level symlink per first path element (`name -> ..data/name`). A second run
/// replaces the first atomically: readers see the old files or the new ones, never a mix. The previous
/// timestamped directory and top-level links the new mount no longer has are removed afterwards.
struct AtomicVolumeWriter {
    static let dataLink = "..data"
    static let temporaryDataLink = "..data_tmp"

    var directory: String
    var now: Date = Date()

    /// Writes `files`; returns the new timestamped directory's name.
    @discardableResult
    func writeVolume(_ files: [MountedFile]) throws(MountInputError) -> String {
        let manager = FileManager.default
        try createDirectory(directory)
        let topLevel = try checkedTopLevelNames(files)
        let previous = try? manager.destinationOfSymbolicLink(atPath: path(Self.dataLink))
        let stamp = try makeTimestampedDirectory()
        for file in files {
            let full = path(stamp + "/" + file.path)
            try createDirectory((full as NSString).deletingLastPathComponent)
            try writeFile(full, contents: file.contents, mode: file.mode)
        }
        try attempt("cannot link \(Self.dataLink)") {
            try? manager.removeItem(atPath: path(Self.temporaryDataLink))
            try manager.createSymbolicLink(atPath: path(Self.temporaryDataLink), withDestinationPath: stamp)
            guard rename(path(Self.temporaryDataLink), path(Self.dataLink)) == 0 else {
                throw MountInputError("rename: \(String(cString: strerror(errno)))")
            }
        }
        for name in topLevel where !isLink(path(name)) {
            try attempt("cannot link \(name)") {
                try manager.createSymbolicLink(atPath: path(name), withDestinationPath: Self.dataLink + "/" + name)
            }
        }
        removeStaleEntries(keeping: topLevel, previous: previous, current: stamp)
        return stamp
    }

    /// First path elements; each must be free or a link this layout made (`-> ..data/<name>`), so a folder
    /// holding other files is never overwritten. The pipeline has already validated every path.
    private func checkedTopLevelNames(_ files: [MountedFile]) throws(MountInputError) -> Set<String> {
        var names: Set<String> = []
        for file in files {
            let parts = file.path.split(separator: "/", omittingEmptySubsequences: false)
            guard let first = parts.first, !first.isEmpty, !first.hasPrefix(".."), !file.path.hasPrefix("/"),
                !parts.contains("..")
            else { throw MountInputError("refusing to write the unsafe path \"\(file.path)\"") }
            names.insert(String(first))
        }
        for name in names {
            let full = path(name)
            guard FileManager.default.fileExists(atPath: full) || isLink(full) else { continue }
            guard (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) == Self.dataLink + "/" + name
            else {
                throw MountInputError(
                    "--out \(directory): \(name) exists and is not a link to \(Self.dataLink)/\(name); choose an empty"
                        + " directory or one an earlier mount wrote")
            }
        }
        return names
    }

    /// `..2026_12_01_15_04_05.<n>`, created 0755 like the driver's.
    private func makeTimestampedDirectory() throws(MountInputError) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy_MM_dd_HH_mm_ss"
        let prefix = ".." + formatter.string(from: now) + "."
        for _ in 0..<100 {
            let name = prefix + String(UInt32.random(in: 0...UInt32.max))
            if mkdir(path(name), 0o755) == 0 {
                chmod(path(name), 0o755)
                return name
            }
            guard errno == EEXIST else { break }
        }
        throw MountInputError("--out \(directory): cannot create a directory: \(String(cString: strerror(errno)))")
    }

    /// Created owner-only, filled, then given its mode: the bytes are never readable by others in between.
    private func writeFile(_ full: String, contents: [UInt8], mode: Int32) throws(MountInputError) {
        let fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw MountInputError("cannot create \(full): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var written = 0
        while written < contents.count {
            let n = contents.withUnsafeBytes { write(fd, $0.baseAddress! + written, contents.count - written) }
            guard n > 0 else { throw MountInputError("cannot write \(full): \(String(cString: strerror(errno)))") }
            written += n
        }
        guard fchmod(fd, mode_t(mode)) == 0 else {
            throw MountInputError("cannot set the mode of \(full): \(String(cString: strerror(errno)))")
        }
    }

    /// Directories inside the timestamped one are 0755, as the driver creates them.
    private func createDirectory(_ full: String) throws(MountInputError) {
        try attempt("cannot create the directory \(full)") {
            try FileManager.default.createDirectory(
                atPath: full, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        }
    }

    /// Best effort: the new mount is in place; leftovers of the old one only cost space.
    private func removeStaleEntries(keeping names: Set<String>, previous: String?, current: String) {
        let manager = FileManager.default
        for entry in (try? manager.contentsOfDirectory(atPath: directory)) ?? [] where !names.contains(entry) {
            let full = path(entry)
            if (try? manager.destinationOfSymbolicLink(atPath: full)) == Self.dataLink + "/" + entry {
                try? manager.removeItem(atPath: full)
            }
        }
        if let previous, previous != current, previous.hasPrefix(".."), !previous.contains("/"),
            previous != Self.dataLink
        {
            try? manager.removeItem(atPath: path(previous))
        }
    }

    private func path(_ name: String) -> String { directory + "/" + name }

    private func isLink(_ full: String) -> Bool {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) != nil
    }

    private func attempt(_ what: String, _ body: () throws -> Void) throws(MountInputError) {
        do {
            try body()
        } catch let error as MountInputError {
            throw MountInputError("--out \(directory): \(what): \(error.description)")
        } catch {
            throw MountInputError("--out \(directory): \(what): \((error as NSError).localizedDescription)")
        }
    }
}
