import TestSupport
import Testing

@testable import ProviderParameters

/// The object fields this provider adds to the Go provider's: `jmesPath`, `optional`, `keyvaultName`.
@Suite struct ObjectExtensionTests {
    func objects(_ yaml: String, vault: String = "my-kv") throws(ParameterError) -> [KeyVaultObject] {
        try MountParameters.parse(
            attributes: baseAttributes(["keyvaultName": vault, "objects": yaml]), secrets: [:],
            settings: ParameterSettings()
        ).objects
    }

    func problem(_ yaml: String) -> ParameterError? {
        do {
            _ = try objects(yaml)
            return nil
        } catch { return error }
    }

    static let jsonSecret = "objectName: db\nobjectType: secret\n"

    @Test func jmesPathEntriesAreRead() throws {
        let object = try #require(
            try objects(
                objectsYAML(
                    Self.jsonSecret + "jmesPath:\n  - path: user\n    objectAlias: db-user\n"
                        + "  - {path: '\"db-config\".hosts[-1]', objectAlias: conf/host, filePermission: \"0600\"}")
            ).first)
        #expect(object.jmesPath.map(\.alias) == ["db-user", "conf/host"])
        #expect(
            object.jmesPath.map(\.path.steps) == [
                [.field("user")], [.field("db-config"), .field("hosts"), .index(-1)],
            ])
        #expect(object.jmesPath.map(\.filePermission) == [nil, 0o600])
        #expect(object.paths == ["db", "db-user", "conf/host"])
    }

    @Test(arguments: [
        ("a.b[2].c", [JMESPath.Step.field("a"), .field("b"), .index(2), .field("c")]),
        (#""a\"b".c"#, [.field("a\"b"), .field("c")]),
        ("[0]", [.index(0)]),
        ("_x9", [.field("_x9")]),
    ])
    func supportedPaths(text: String, steps: [JMESPath.Step]) throws {
        #expect(try JMESPath(parsing: text).steps == steps)
    }

    @Test(arguments: [
        ("a[?b=='c']", "an index must be a whole number in brackets, e.g. [0]"),
        (
            "a.*",
            "only identifiers, \"quoted identifiers\" and [indices] are supported (no filters, projections or functions)"
        ),
        ("length(a)", "expected . or [ after \"length\""),
        ("", "the path is empty"),
        ("\"open", "a quoted identifier is not closed"),
        (
            "a..b",
            "only identifiers, \"quoted identifiers\" and [indices] are supported (no filters, projections or functions)"
        ),
        (
            "9a",
            "only identifiers, \"quoted identifiers\" and [indices] are supported (no filters, projections or functions)"
        ),
    ])
    func unsupportedPathsAreRefused(text: String, reason: String) {
        #expect(throws: JMESPathError(reason)) { try JMESPath(parsing: text) }
        // A YAML double-quoted scalar, escaped as JSON would be.
        let quoted =
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        let found = problem(objectsYAML(Self.jsonSecret + "jmesPath: [{path: \(quoted), objectAlias: x}]"))
        #expect(found?.field == "jmesPath")
        #expect(found?.message == "jmesPath[0] path \"\(text)\" is not supported: \(reason)")
    }

    @Test(arguments: [
        (
            "objectName: k\nobjectType: key\njmesPath: [{path: a, objectAlias: x}]",
            "jmesPath only supported for objectType: secret (a JSON secret)"
        ),
        (
            jsonSecret + "objectVersionHistory: 2\njmesPath: [{path: a, objectAlias: x}]",
            "jmesPath cannot be combined with objectVersionHistory"
        ),
        (
            jsonSecret + "objectEncoding: base64\njmesPath: [{path: a, objectAlias: x}]",
            "jmesPath reads the secret's text: objectEncoding must be utf-8"
        ),
        (jsonSecret + "jmesPath: [{path: a}]", "jmesPath[0] has no objectAlias: the file the value is written to"),
        (
            jsonSecret + "jmesPath: [{path: a, objectAlias: ../x}]",
            "jmesPath[0].objectAlias: file name must not contain '..'"
        ),
        (
            jsonSecret + "jmesPath: [{path: a, objectAlias: x, filePermission: '999'}]",
            "jmesPath[0].filePermission must be a valid octal number from 0000 to 0777, got \"999\""
        ),
    ])
    func jmesPathMistakesNameTheEntry(yaml: String, message: String) {
        let found = problem(objectsYAML(yaml))
        #expect(found?.field == "jmesPath")
        #expect(found?.message == message)
    }

    @Test func jmesPathMustBeAListOfEntries() {
        #expect(
            problem(objectsYAML(Self.jsonSecret + "jmesPath: a.b"))?.message
                == "unmarshal failed for keyVaultObjects at index 0, error: jmesPath must be a list of entries like"
                + " {path: db.password, objectAlias: db-password}")
    }

    @Test func aJMESPathFileCannotTakeAnotherObjectsPath() {
        let found = problem(
            objectsYAML(
                Self.jsonSecret + "jmesPath: [{path: a, objectAlias: other}]", "objectName: other\nobjectType: secret"))
        #expect(found?.objectIndex == 1)
        #expect(
            found?.message.hasPrefix("file path \"other\" conflicts with \"other\" of objects[0] (objectName \"db\")")
                == true)
    }

    @Test func optionalIsAGoBoolean() throws {
        #expect(try objects(objectsYAML(Self.jsonSecret + "optional: \"true\""))[0].isOptional)
        #expect(try !objects(objectsYAML(Self.jsonSecret))[0].isOptional)
        let found = problem(objectsYAML(Self.jsonSecret + "optional: yes"))
        #expect(found?.field == "optional")
        #expect(
            found?.message.hasPrefix("failed to parse optional flag, error: strconv.ParseBool: parsing \"yes\"") == true
        )
    }

    @Test func anObjectOfAnotherVaultCarriesItInItsId() throws {
        let read = try objects(
            objectsYAML(
                "objectName: a\nobjectType: secret\nkeyvaultName: other-kv",
                "objectName: b\nobjectType: secret\nkeyvaultName: MY-KV",
                "objectName: c\nobjectType: secret\nkeyvaultName: other-kv\nobjectVersionHistory: 2"))
        #expect(read.map(\.vault) == ["other-kv", nil, "other-kv"])
        #expect(read.map { $0.id(historyIndex: nil) } == ["secret/a@other-kv", "secret/b", "secret/c@other-kv"])
        #expect(read[2].id(historyIndex: 1) == "secret/c/1@other-kv")
    }

    @Test func anInvalidObjectVaultIsNamed() {
        let found = problem(objectsYAML("objectName: a\nobjectType: secret\nkeyvaultName: https://x.vault.azure.net"))
        #expect(found?.field == "keyvaultName")
        #expect(
            found?.message
                == "failed to get vault: Invalid vault name: \"https://x.vault.azure.net\", must be between 3 and 24 chars"
        )
    }
}
