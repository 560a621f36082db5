import TestSupport
import Testing

@testable import ProviderParameters

@Suite struct ObjectTests {
    func objects(_ yaml: String) throws(ParameterError) -> [KeyVaultObject] {
        let list = try ObjectList.parse(yaml)
        if let first = list.problems.first ?? list.conflicts.first { throw first }
        return list.objects
    }

    func problem(_ entry: String) -> ParameterError? {
        do {
            _ = try objects(objectsYAML(entry))
            return nil
        } catch { return error }
    }

    @Test func everyFieldIsRead() throws {
        let object = try #require(
            try objects(
                objectsYAML(
                    """
                    objectName: db
                    objectType: secret
                    objectAlias: dir/db.txt
                    objectVersion: 2298825ff3ebcc9c4013995b47ca7ce8
                    objectVersionHistory: 3
                    objectFormat: PFX
                    objectEncoding: Base64
                    filePermission: 0640
                    """)
            ).first)
        #expect(
            object
                == KeyVaultObject(
                    index: 0, name: "db", alias: "dir/db.txt", type: .secret,
                    version: "2298825ff3ebcc9c4013995b47ca7ce8",
                    versionHistory: 3, format: .pfx, encoding: .base64, filePermission: 0o640))
    }

    @Test func defaults() throws {
        let object = try #require(try objects(objectsYAML("objectName: k\nobjectType: key")).first)
        #expect(object.alias == nil && object.version == "" && object.versionHistory == 0)
        #expect(object.format == .pem && object.encoding == .utf8 && object.filePermission == nil)
        #expect(object.fileName == "k" && object.paths == ["k"])
    }

    @Test func fieldsAreTrimmedAndNullsAreEmpty() throws {
        let object = try #require(
            try objects(
                objectsYAML(
                    "objectName: \"  s1 \"\nobjectType: ' secret'\nobjectAlias:\nobjectVersion: ~")
            ).first)
        #expect(object.name == "s1" && object.type == .secret && object.alias == nil && object.version == "")
    }

    @Test func inlineMappingsAndFlowItemsAreAccepted() throws {
        let yaml = """
            array:
              - objectName: a
                objectType: secret
              - {objectName: b, objectType: key}
              - "objectName: c\\nobjectType: cert"
            """
        #expect(try objects(yaml).map { $0.id(historyIndex: nil) } == ["secret/a", "key/b", "cert/c"])
        #expect(try objects(yaml).map(\.index) == [0, 1, 2])
    }

    @Test(
        arguments: [
            (0, nil), (1, nil), (2, 2),
        ] as [(Int, Int?)])
    func historyLayout(history: Int, expectedFolder: Int?) throws {
        let object = try #require(
            try objects(
                objectsYAML(
                    "objectName: s\nobjectType: secret\nobjectAlias: dir/s\nobjectVersionHistory: \(history)")
            ).first)
        if expectedFolder == nil {
            #expect(!object.hasHistory && object.paths == ["dir/s"])
            #expect(object.id(historyIndex: nil) == "secret/s")
        } else {
            #expect(object.paths == ["dir/s/0", "dir/s/1"])
            #expect(object.id(historyIndex: 1) == "secret/s/1")
            #expect(object.path(historyIndex: 1) == "dir/s/1")
        }
    }

    @Test(arguments: [
        ("0640", Int32(0o640)), ("640", 0o640), ("0600", 0o600), ("0755", 0o755), ("0", 0), ("0000", 0),
        ("777", 0o777), ("00644", 0o644),
    ])
    func octalPermissions(text: String, expected: Int32) throws {
        let object = try #require(
            try objects(objectsYAML("objectName: s\nobjectType: secret\nfilePermission: \"\(text)\"")).first)
        #expect(object.filePermission == expected)
        let unquoted = try #require(
            try objects(objectsYAML("objectName: s\nobjectType: secret\nfilePermission: \(text)")).first)
        #expect(unquoted.filePermission == expected)
    }

    @Test(arguments: ["0999", "abc", "0x1A0", "1000", "-644", "+644", "0o644", "6 44", "07777"])
    func invalidPermissions(text: String) {
        let found = problem("objectName: s\nobjectType: secret\nfilePermission: \"\(text)\"")
        #expect(found?.field == "filePermission")
        #expect(found?.message.hasPrefix("file permission must be a valid octal number") == true)
    }

    @Test(arguments: [
        ("objectType: secret", "objectName", "objectName is not set"),
        ("objectName: a/b\nobjectType: secret", "objectName", #"objectName "a/b" is not valid"#),
        ("objectName: ../x\nobjectType: secret", "objectName", #"objectName "../x" is not valid"#),
        ("objectName: s", "objectType", "objectType is not set, accepted values are secret, key, cert"),
        (
            "objectName: s\nobjectType: secrets", "objectType",
            #"objectType "secrets" is not valid, accepted values are secret, key, cert (did you mean "secret"?)"#
        ),
        ("objectName: s\nobjectType: Secret", "objectType", #"(did you mean "secret"?)"#),
        ("objectName: s\nobjectType: certificate", "objectType", #"(did you mean "cert"?)"#),
        (
            "objectName: s\nobjectType: blob", "objectType",
            #"objectType "blob" is not valid, accepted values are secret, key, cert"#
        ),
        (
            "objectName: s\nobjectType: cert\nobjectFormat: pfx", "objectFormat",
            "PFX format only supported for objectType: secret"
        ),
        (
            "objectName: s\nobjectType: key\nobjectFormat: PFX", "objectFormat",
            "PFX format only supported for objectType: secret"
        ),
        (
            "objectName: s\nobjectType: secret\nobjectFormat: der", "objectFormat",
            "invalid objectFormat: der, should be PEM or PFX"
        ),
        (
            "objectName: s\nobjectType: key\nobjectEncoding: utf-8", "objectEncoding",
            "objectEncoding only supported for objectType: secret"
        ),
        (
            "objectName: s\nobjectType: secret\nobjectEncoding: utf8", "objectEncoding",
            "invalid objectEncoding: utf8, should be hex, base64 or utf-8"
        ),
        (
            "objectName: s\nobjectType: secret\nobjectVersion: abc/def", "objectVersion",
            #"objectVersion "abc/def" is not valid"#
        ),
        (
            "objectName: s\nobjectType: secret\nobjectVersionHistory: many", "objectVersionHistory",
            #"objectVersionHistory "many" is not valid"#
        ),
        (
            "objectName: s\nobjectType: secret\nobjectVersionHistory: -1", "objectVersionHistory",
            #"objectVersionHistory "-1" is not valid"#
        ),
        (
            "objectName: s\nobjectType: secret\nobjectVersionHistory: 101", "objectVersionHistory",
            #"objectVersionHistory "101" is not valid"#
        ),
        (
            "objectName: s\nobjectType: secret\nobjectAlias: /etc/passwd", "objectAlias",
            "file name must be a relative path"
        ),
        ("objectName: s\nobjectType: secret\nobjectAlias: a/../../b", "objectAlias", "file name must not contain '..'"),
    ])
    func fieldErrors(entry: String, field: String, message: String) {
        let found = problem(entry)
        #expect(found?.field == field)
        #expect(found?.objectIndex == 0)
        #expect(found?.message.contains(message) == true, "\(String(describing: found?.message))")
    }

    @Test func quotedHistoryIsAccepted() throws {
        #expect(
            try objects(objectsYAML("objectName: s\nobjectType: secret\nobjectVersionHistory: \"2\""))[0].versionHistory
                == 2)
    }

    @Test func descriptionNamesTheObject() throws {
        let yaml = objectsYAML(
            "objectName: a\nobjectType: secret", "objectName: b\nobjectType: secret",
            "objectName: db\nobjectType: secrets")
        let list = try ObjectList.parse(yaml)
        #expect(
            list.problems.first?.description
                == #"objects[2] (objectName "db"): objectType "secrets" is not valid, accepted values are secret, key, cert (did you mean "secret"?)"#
        )
        #expect(list.objects.count == 2)
    }

    @Test func allProblemsOfAnEntryAreCollected() throws {
        let list = try ObjectList.parse(objectsYAML("objectType: key\nobjectEncoding: hex\nfilePermission: x"))
        #expect(Set(list.problems.map(\.field)) == ["objectName", "objectEncoding", "filePermission"])
    }

    @Test(arguments: [
        ("not: [valid", "failed to yaml unmarshal objects, error:"),
        ("- a\n- b", "objects must be a YAML mapping"),
        ("array: text", "\"array\" must be a YAML list"),
        ("array:\n  - 42", "unmarshal failed for keyVaultObjects at index 0, error: the entry must be a YAML mapping"),
        ("array:\n  - [a]", "unmarshal failed for keyVaultObjects at index 0"),
        ("array:\n  - |\n    objectName: [x]", "objectName must be a single value"),
        ("array:\n  - |\n    objectName: a\n    objectName: b", "duplicated key(s): 'objectName'"),
        ("array:\n  - ''", "the entry is empty"),
    ])
    func structureErrors(yaml: String, message: String) {
        var found: ParameterError?
        do { _ = try objects(yaml) } catch { found = error }
        #expect(found?.message.contains(message) == true, "\(String(describing: found))")
        #expect(found?.field == "objects")
    }

    @Test func unknownKeysAreKeptForLint() throws {
        let list = try ObjectList.parse(objectsYAML("objectName: s\nobjectType: secret\nobjectAlais: x\nfoo: 1"))
        #expect(list.raw[0].unknownKeys == ["objectAlais", "foo"])
        #expect(list.problems.isEmpty)
    }
}
