import Crypto
import Foundation
import KeyVaultContent
import KeyVaultIdentifiers
import ProviderParameters
import Testing

/// The recorded answers of the Go provider v1.8.2 (the project's conformance vectors, kept in Fixtures):
/// every file must come out byte for byte, with the recorded SHA-256 and version.
@Suite struct ConformanceVectorTests {
    static let vectors = [
        "cert-selfsigned", "certsecret-legacy-pfx-chain", "certsecret-pem-scrambled", "certsecret-pfx-format-base64",
        "encoding-base64", "encoding-hex", "key-ec-p256", "key-rsa", "secret-basic",
    ]

    @Test(arguments: vectors)
    func vectorMatchesGoProvider(_ name: String) throws {
        let vector = try #require(try Fixtures.json("conformance/\(name)/vector.json") as? [String: Any])
        let object = Self.objectFields(try #require(vector["objects"] as? String))
        let flags = try #require(vector["provider_flags"] as? [String: Bool])
        let settings = ContentSettings(
            constructPEMChain: flags["construct-pem-chain"] ?? true,
            writeCertAndKeyInSeparateFiles: flags["write-cert-and-key-in-separate-files"] ?? false
        )
        let answers = try #require(vector["key_vault"] as? [[String: Any]])
        let response = try #require(answers.last?["response"] as? [String: Any])

        let contents: [UInt8]
        let id: String
        switch object["objectType"] {
        case "secret":
            let files = try ContentConversion.secretFiles(
                value: try #require(response["value"] as? String),
                contentType: response["contentType"] as? String,
                isCertificateBacked: (response["kid"] as? String).map { !$0.isEmpty } ?? false,
                format: ObjectFormat(rawValue: object["objectFormat"]?.lowercased() ?? "pem") ?? .pem,
                encoding: ObjectEncoding(rawValue: object["objectEncoding"]?.lowercased() ?? "utf-8") ?? .utf8,
                settings: settings
            )
            #expect(files.map(\.suffix) == [""])
            contents = try #require(files.last).contents
            id = try #require(response["id"] as? String)
        case "key":
            let jwk = try #require(response["key"] as? [String: Any])
            contents = try ContentConversion.publicKeyPEM(
                kty: try #require(jwk["kty"] as? String), crv: jwk["crv"] as? String,
                n: jwk["n"] as? String, e: jwk["e"] as? String, x: jwk["x"] as? String, y: jwk["y"] as? String
            )
            id = try #require(jwk["kid"] as? String)
        default:
            contents = try ContentConversion.certificatePEM(cer: try #require(response["cer"] as? String))
            id = try #require(response["id"] as? String)
        }

        let expected = try #require(vector["expected"] as? [String: Any])
        let file = try #require((expected["files"] as? [[String: Any]])?.first)
        let path = try #require(file["path"] as? String)
        #expect(contents == (try Fixtures.bytes("conformance/\(name)/expected/\(path)")))
        let digest = SHA256.hash(data: contents).map { String(format: "%02x", $0) }.joined()
        #expect(digest == file["sha256"] as? String)
        let version = try #require((expected["object_versions"] as? [[String]])?.first?.last)
        #expect(KeyVaultID(parsing: id).version == version)
    }

    /// The `key: value` lines of the single object in the vector's `objects` YAML.
    static func objectFields(_ objects: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in objects.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            fields[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }
}
