import Testing

@testable import MountPipeline

@Suite struct OutputPathsTests {
    @Test func distinctPathsAreFine() throws {
        var paths = OutputPaths()
        for (path, owner) in [
            ("a", "a"), ("a.crt", "a"), ("a.key", "a"), ("dir/b", "b"), ("dir/c", "c"), ("hist/0", "h"),
            ("hist/1", "h"),
        ] {
            try paths.claim(path, by: owner)
        }
    }

    @Test(arguments: [
        (["x", "x"], "duplicate file path \"x\": written by objectName o0 and objectName o1"),
        (["x.crt", "x.crt/y"], "file path \"x.crt/y\" of objectName o1 is inside the file \"x.crt\" of objectName o0"),
        (["d/e/f", "d/e"], "file path \"d/e\" of objectName o1 is a folder of \"d/e/f\" written by objectName o0"),
        (["d/e/f", "d"], "file path \"d\" of objectName o1 is a folder of \"d/e/f\" written by objectName o0"),
    ])
    func collisionsAreErrors(paths: [String], message: String) throws {
        var owners = OutputPaths()
        try owners.claim(paths[0], by: "o0")
        #expect(throws: MountError(.invalidArgument, message)) { try owners.claim(paths[1], by: "o1") }
    }

    @Test func aSharedPrefixIsNotAFolder() throws {
        var paths = OutputPaths()
        try paths.claim("ab/c", by: "one")
        try paths.claim("a", by: "two")
        try paths.claim("ab.c", by: "three")
    }
}
