import Foundation

/// Locations of test inputs. The test sources may be reached through a symlink (development slices), so the
/// path is resolved first.
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

/// A minimal valid set of attributes (service principal secrets given separately).
func baseAttributes(_ overrides: [String: String] = [:]) -> [String: String] {
    var attributes = [
        "keyvaultName": "my-kv",
        "tenantID": "tenant-1",
        "clientID": "client-1",
        "csi.storage.k8s.io/serviceAccount.tokens":
            #"{"api://AzureADTokenExchange":{"token":"jwt-wi","expirationTimestamp":"2030-01-02T03:04:05Z"}}"#,
        "objects": "array:\n  - |\n    objectName: s1\n    objectType: secret\n",
    ]
    for (key, value) in overrides { attributes[key] = value }
    return attributes
}

func objectsYAML(_ entries: String...) -> String {
    "array:\n" + entries.map { entry in
        "  - |\n" + entry.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
            .joined(separator: "\n") + "\n"
    }.joined()
}
