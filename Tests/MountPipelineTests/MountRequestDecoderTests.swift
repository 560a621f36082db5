import MountPipeline
import ProviderParameters
import Testing

@Suite struct MountRequestDecoderTests {
    @Test func decodesWhatTheDriverSends() throws {
        let decoded = try MountRequestDecoder.decode(
            attributes: #"{"keyvaultName":"kv","csi.storage.k8s.io/pod.name":"p"}"#,
            secrets: #"{"clientid":"id","clientsecret":"s"}"#,
            permission: "420")
        #expect(decoded.attributes == ["keyvaultName": "kv", "csi.storage.k8s.io/pod.name": "p"])
        #expect(decoded.secrets == ["clientid": "id", "clientsecret": "s"])
        #expect(decoded.defaultFileMode == 0o644)
    }

    @Test(arguments: ["null", "", "  ", "{}"])
    func secretsMayBeAbsent(secrets: String) throws {
        let decoded = try MountRequestDecoder.decode(attributes: "{}", secrets: secrets, permission: "420")
        #expect(decoded.secrets.isEmpty)
    }

    @Test(arguments: [("420", Int32(0o644)), ("\"420\"", 0o644), (" 384 ", 0o600), ("0", 0), ("511", 0o777)])
    func permissionIsTheDecimalJSONOfAMode(text: String, mode: Int32) throws {
        #expect(
            try MountRequestDecoder.decode(attributes: "{}", secrets: "null", permission: text).defaultFileMode == mode)
    }

    @Test(arguments: [
        ("null", "failed to unmarshal attributes: expected a JSON object of strings, got null"),
        ("\"text\"", "failed to unmarshal attributes: expected a JSON object of strings, got a string"),
        (#"{"a": ["x"]}"#, #"failed to unmarshal attributes: the value of "a" is an array, expected a string"#),
        (
            #"{"a": true}"#,
            #"failed to unmarshal attributes: the value of "a" is a number or boolean, expected a string"#
        ),
        (#"{"a": null}"#, #"failed to unmarshal attributes: the value of "a" is null, expected a string"#),
    ])
    func malformedAttributesNameTheField(text: String, message: String) {
        #expect(throws: MountError(.invalidArgument, message)) {
            try MountRequestDecoder.decode(attributes: text, secrets: "null", permission: "420")
        }
    }

    @Test func invalidJSONSaysWhereTheParserStopped() {
        do {
            _ = try MountRequestDecoder.decode(attributes: "{", secrets: "null", permission: "420")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .invalidArgument)
            #expect(error.message.hasPrefix("failed to unmarshal attributes: not valid JSON ("))
        }
    }

    @Test func invalidSecretsJSONIsNotQuoted() {
        do {
            _ = try MountRequestDecoder.decode(
                attributes: "{}", secrets: #"{"clientsecret": "s3cr3t"#, permission: "420")
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "failed to unmarshal secrets: not valid JSON")
        }
    }

    @Test func malformedSecretsNameTheKeyButNotTheValue() {
        do {
            _ = try MountRequestDecoder.decode(
                attributes: "{}", secrets: #"{"clientsecret": 987654321}"#, permission: "420")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .invalidArgument)
            #expect(error.message.contains("\"clientsecret\""))
            #expect(!error.message.contains("987654321"))
        }
    }

    @Test(arguments: ["", "0644x", "-1", "512", "4096", "6.5", "\"\"", "rw-r--r--", "99999999999999999999"])
    func badPermissionsAreRejected(text: String) {
        #expect(throws: MountError.self) {
            try MountRequestDecoder.decode(attributes: "{}", secrets: "null", permission: text)
        }
    }

    @Test func oversizedFieldsAreRefusedBeforeParsing() {
        let huge = "{\"a\":\"" + String(repeating: "x", count: RequestLimits.jsonFieldBytes) + "\"}"
        #expect(
            throws: MountError(
                .invalidArgument, "failed to unmarshal attributes: larger than \(RequestLimits.jsonFieldBytes) bytes")
        ) {
            try MountRequestDecoder.decode(attributes: huge, secrets: "null", permission: "420")
        }
    }
}
