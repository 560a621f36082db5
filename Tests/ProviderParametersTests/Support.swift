import Foundation

/// The Go provider's recorded mounts kept in this repository: most beside the content tests, the rest (which
/// need a whole mount) beside the end-to-end tests.
enum ConformanceVectors {
    static let testsDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let folders = [
        testsDirectory.appendingPathComponent("KeyVaultContentTests/Fixtures/conformance"),
        testsDirectory.appendingPathComponent("e2e/conformance_vectors"),
    ]

    /// Every `vector.json`, by vector name.
    static func all() throws -> [(name: String, url: URL)] {
        try folders.flatMap { folder in
            try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map {
                ($0, folder.appendingPathComponent($0).appendingPathComponent("vector.json"))
            }
        }
    }
}
