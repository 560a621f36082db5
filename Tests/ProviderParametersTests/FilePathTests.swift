import Testing

@testable import ProviderParameters

@Suite struct FilePathTests {
    @Test(arguments: [
        "a", "a/b", "dir/sub/secret.txt", "a..b", ".hidden", "x/.y", "a-b_c.pem",
        String(repeating: "e", count: 255),
    ])
    func accepted(path: String) {
        #expect(FilePathRules.problem(with: path, field: "objectAlias") == nil)
    }

    @Test(arguments: [
        ("", "file name must not be empty"),
        ("/abs", "file name must be a relative path"),
        ("..", "file name must not contain '..'"),
        ("a/..", "file name must not contain '..'"),
        ("../a", "file name must not contain '..'"),
        ("..data", "file name must not start with '..'"),
        ("..2024/x", "file name must not start with '..'"),
        ("a//b", #"is not a clean path, write "a/b""#),
        ("a/", #"is not a clean path, write "a""#),
        ("./a", #"is not a clean path, write "a""#),
        ("a/./b", #"is not a clean path, write "a/b""#),
        (".", "is not a clean path"),
        ("a\nb", "must not contain control characters"),
        ("a\u{0}b", "must not contain control characters"),
        ("a\u{200B}b", "field objectAlias contains invisible format character (U+200B) at position 1"),
        (String(repeating: "e", count: 256), "more than 255"),
        (Array(repeating: String(repeating: "d", count: 200), count: 21).joined(separator: "/"), "more than 4096"),
    ])
    func rejected(path: String, message: String) {
        let problem = FilePathRules.problem(with: path, field: "objectAlias")
        #expect(problem?.contains(message) == true, "\(String(describing: problem))")
    }

    func conflicts(_ entries: String...) throws -> [ParameterError] {
        try ObjectList.parse("array:\n" + entries.map { "  - {\($0)}\n" }.joined()).conflicts
    }

    @Test func duplicatePathsConflict() throws {
        let found = try conflicts("objectName: a, objectType: secret", "objectName: b, objectAlias: a, objectType: key")
        #expect(found.count == 1)
        #expect(found[0].objectIndex == 1 && found[0].field == "objectAlias")
        #expect(
            found[0].description.hasPrefix(
                #"objects[1] (objectName "b"): file path "a" conflicts with "a" of objects[0] (objectName "a")"#))
    }

    @Test func sameNameDifferentTypeConflicts() throws {
        #expect(try conflicts("objectName: a, objectType: secret", "objectName: a, objectType: cert").count == 1)
    }

    @Test func historyFolderConflictsWithFileInside() throws {
        #expect(
            try conflicts(
                "objectName: a, objectType: secret, objectVersionHistory: 2",
                "objectName: b, objectAlias: a/0, objectType: secret"
            ).count == 1)
        #expect(
            try conflicts(
                "objectName: b, objectAlias: a/7, objectType: secret",
                "objectName: a, objectType: secret, objectVersionHistory: 2"
            ).count == 1)
    }

    @Test func fileCannotAlsoBeAFolder() throws {
        #expect(
            try conflicts(
                "objectName: a, objectType: secret",
                "objectName: b, objectAlias: a/b, objectType: secret"
            ).count == 1)
        #expect(
            try conflicts(
                "objectName: b, objectAlias: a/b/c, objectType: secret",
                "objectName: c, objectAlias: a/b, objectType: secret"
            ).count == 1)
    }

    @Test func siblingsDoNotConflict() throws {
        #expect(
            try conflicts(
                "objectName: a, objectAlias: d/a, objectType: secret",
                "objectName: b, objectAlias: d/b, objectType: secret",
                "objectName: c, objectAlias: d-c, objectType: secret",
                "objectName: x, objectType: secret, objectVersionHistory: 1",
                "objectName: x, objectAlias: x2, objectType: secret"
            ).isEmpty)
    }
}
