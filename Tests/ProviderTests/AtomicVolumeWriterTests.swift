import Foundation
import MountPipeline
import Testing

@testable import Provider

/// `mount --out` leaves the folder a pod would see: `..data` -> a timestamped directory, top-level links, modes;
/// a second mount swaps it whole.
@Suite struct AtomicVolumeWriterTests {
    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mount-out-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func theDriversLayoutAndASecondMountReplacingTheFirst() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = AtomicVolumeWriter(directory: dir)
        let first = try writer.writeVolume([
            MountedFile(path: "a", mode: 0o600, contents: Array("one".utf8)),
            MountedFile(path: "dir/b", mode: 0o644, contents: Array("two".utf8)),
            MountedFile(path: "gone", mode: 0o644, contents: Array("x".utf8)),
        ])
        #expect(first.hasPrefix(".."))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/..data") == first)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/a") == "..data/a")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/dir") == "..data/dir")
        #expect(try String(contentsOfFile: dir + "/dir/b", encoding: .utf8) == "two")
        #expect(try Self.mode(dir + "/" + first + "/a") == 0o600)
        #expect(try Self.mode(dir + "/" + first + "/dir/b") == 0o644)
        #expect(try Self.mode(dir + "/" + first) == 0o755)

        let second = try writer.writeVolume([
            MountedFile(path: "a", mode: 0o640, contents: Array("one v2".utf8)),
            MountedFile(path: "dir/b", mode: 0o644, contents: Array("two".utf8)),
        ])
        #expect(second != first)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/..data") == second)
        #expect(try String(contentsOfFile: dir + "/a", encoding: .utf8) == "one v2")
        #expect(try Self.mode(dir + "/" + second + "/a") == 0o640)
        #expect(!FileManager.default.fileExists(atPath: dir + "/" + first))
        let entries = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(entries == ["..data", second, "a", "dir"].sorted())
    }

    @Test func aFolderWithOtherFilesIsNotOverwritten() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("mine".utf8).write(to: URL(fileURLWithPath: dir + "/a"))
        #expect(throws: MountInputError.self) {
            try AtomicVolumeWriter(directory: dir).writeVolume([MountedFile(path: "a", mode: 0o644, contents: [])])
        }
        #expect(try String(contentsOfFile: dir + "/a", encoding: .utf8) == "mine")
    }
}
