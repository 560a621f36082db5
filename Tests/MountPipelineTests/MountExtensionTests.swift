import KeyVaultClient
import MountPipeline
import TestSupport
import Testing

/// The object fields beyond the Go provider's, through the whole mount flow: values out of JSON secrets,
/// optional objects, objects of other vaults.
@Suite struct MountExtensionTests {
    let vault = InMemoryVault()
    static let json = #"{"user":"admin","db":{"port":5432,"tls":true,"hosts":["a","b"]},"empty":null}"#

    func mount(_ objects: String, others: [String: InMemoryVault] = [:]) async throws(MountError) -> MountResult {
        try await MountFlow.mounter(vault, others: others).mount(MountFlow.input(objects: objects))
    }

    func text(_ result: MountResult) -> [String: String] {
        Dictionary(uniqueKeysWithValues: result.files.map { ($0.path, String(decoding: $0.contents, as: UTF8.self)) })
    }

    @Test func jmesPathWritesEachValueBesideTheWholeSecret() async throws {
        vault.add(.secret, "cfg", version: "v1", value: Self.json)
        let result = try await mount(
            objectsYAML(
                "objectName: cfg\nobjectType: secret\nfilePermission: \"0640\"\njmesPath:\n"
                    + "  - {path: user, objectAlias: user}\n  - {path: db.port, objectAlias: port}\n"
                    + "  - {path: db, objectAlias: db.json, filePermission: \"0600\"}\n"
                    + "  - {path: 'db.hosts[-1]', objectAlias: last-host}"))
        #expect(result.files.map(\.path) == ["cfg", "user", "port", "db.json", "last-host"])
        #expect(
            text(result) == [
                "cfg": Self.json, "user": "admin", "port": "5432",
                "db.json": #"{"hosts":["a","b"],"port":5432,"tls":true}"#,
                "last-host": "b",
            ])
        #expect(result.files.map(\.mode) == [0o640, 0o640, 0o640, 0o600, 0o640])
        #expect(result.objectVersions == Array(repeating: ObjectVersion(id: "secret/cfg", version: "v1"), count: 5))
    }

    @Test(arguments: [
        (Self.json, "missing.key", "jmesPath missing.key selects nothing in the secret's JSON"),
        (Self.json, "empty", "jmesPath empty selects null in the secret's JSON"),
        (Self.json, "db.hosts[5]", "jmesPath db.hosts[5] selects nothing in the secret's JSON"),
        ("not json, but a password", "user", "jmesPath user: the secret is not JSON"),
    ])
    func aPathThatSelectsNothingFailsNamingObjectAndPathNotTheValue(value: String, path: String, reason: String) async {
        vault.add(.secret, "cfg", version: "v1", value: value)
        let error = await #expect(throws: MountError.self) {
            try await mount(
                objectsYAML("objectName: cfg\nobjectType: secret\njmesPath: [{path: '\(path)', objectAlias: x}]"))
        }
        #expect(
            error
                == MountError(
                    .invalidArgument, "failed to get objectType:secret, objectName:cfg, objectVersion:v1: \(reason)"))
        #expect(error?.message.contains("password") == false && error?.message.contains("admin") == false)
    }

    @Test func aMissingOptionalObjectIsSkipped() async throws {
        vault.add(.secret, "present", version: "v1", value: "here")
        vault.add(.secret, "disabled", version: "v1", value: "off", enabled: false)
        let result = try await mount(
            objectsYAML(
                "objectName: absent\nobjectType: secret\noptional: \"true\"", "objectName: present\nobjectType: secret",
                "objectName: disabled\nobjectType: secret\noptional: \"true\"",
                "objectName: absent-history\nobjectType: secret\noptional: \"true\"\nobjectVersionHistory: 3"))
        #expect(text(result) == ["present": "here"])
        #expect(result.objectVersions == [ObjectVersion(id: "secret/present", version: "v1")])
    }

    @Test func anOptionalObjectIsWrittenOnceItExists() async throws {
        let objects = objectsYAML("objectName: later\nobjectType: secret\noptional: \"true\"")
        #expect(try await mount(objects).files.isEmpty)
        vault.add(.secret, "later", version: "v1", value: "now")
        #expect(text(try await mount(objects)) == ["later": "now"])
    }

    @Test func anOptionalObjectStillFailsForOtherReasons() async {
        vault.fail(
            .secret, "guarded",
            with: KeyVaultError(
                kind: .service, status: 403, code: "Forbidden", innerCode: "ForbiddenByRbac", message: "no"))
        let error = await #expect(throws: MountError.self) {
            try await mount(objectsYAML("objectName: guarded\nobjectType: secret\noptional: \"true\""))
        }
        #expect(error?.kind == .permissionDenied)
    }

    @Test func objectsOfOtherVaultsAreReadThereAndCarryTheVault() async throws {
        let other = InMemoryVault()
        vault.add(.secret, "a", version: "v1", value: "from the class's vault")
        other.add(.secret, "a", version: "v9", value: "from the other vault")
        let result = try await mount(
            objectsYAML(
                "objectName: a\nobjectType: secret",
                "objectName: a\nobjectType: secret\nkeyvaultName: other-kv\nobjectAlias: b"),
            others: ["other-kv": other])
        #expect(text(result) == ["a": "from the class's vault", "b": "from the other vault"])
        #expect(
            result.objectVersions == [
                ObjectVersion(id: "secret/a", version: "v1"), ObjectVersion(id: "secret/a@other-kv", version: "v9"),
            ])
        #expect(vault.reads == ["secrets/a/"] && other.reads == ["secrets/a/"])
    }
}
