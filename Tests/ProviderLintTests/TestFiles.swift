import Foundation

/// Locations of test inputs. The test sources may be reached through a symlink, so the path is resolved first.
enum TestFiles {
    static let testsDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    static let fixtures = testsDirectory.appendingPathComponent("Fixtures")
    static let examples = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples")

    static func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    static func fixture(_ name: String) throws -> (name: String, text: String) {
        (name, try text(fixtures.appendingPathComponent(name)))
    }
}
