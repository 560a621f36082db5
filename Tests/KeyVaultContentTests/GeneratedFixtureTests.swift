import Foundation
import KeyVaultContent
import ProviderParameters
import Testing

/// Cases made by scripts/make-content-fixtures.py (see Fixtures/README.md): PFX of both
/// generations, chain orderings, hostile PFX, and JWKs of every supported type and curve.
@Suite struct GeneratedFixtureTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var fields: [String: String]
        var jwk: [String: String]
        var constructPEMChain: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        guard let manifest = try? Fixtures.json("generated/manifest.json") as? [[String: Any]] else { return [] }
        return manifest.map { entry in
            Case(
                name: entry["name"] as? String ?? "?",
                fields: entry.compactMapValues { $0 as? String },
                jwk: entry["jwk"] as? [String: String] ?? [:],
                constructPEMChain: entry["constructPEMChain"] as? Bool ?? true
            )
        }
    }()

    @Test func manifestIsPresent() {
        #expect(Self.cases.count > 30)
    }

    @Test(arguments: cases)
    func generatedCase(_ testCase: Case) throws {
        let output: Result<[UInt8], ContentError>
        if testCase.fields["kind"] == "pfx" {
            let value = try Fixtures.text("generated/" + (try #require(testCase.fields["value"])))
            output = Result { () throws(ContentError) in
                try ContentConversion.secretFiles(
                    value: value, contentType: "application/x-pkcs12", isCertificateBacked: true,
                    format: .pem, encoding: .utf8,
                    settings: ContentSettings(constructPEMChain: testCase.constructPEMChain)
                ).last!.contents
            }
        } else {
            let jwk = testCase.jwk
            output = Result { () throws(ContentError) in
                try ContentConversion.publicKeyPEM(
                    kty: jwk["kty"] ?? "", crv: jwk["crv"], n: jwk["n"], e: jwk["e"], x: jwk["x"], y: jwk["y"]
                )
            }
        }

        if let expectedPath = testCase.fields["expected"] {
            let expected = try Fixtures.bytes("generated/" + expectedPath)
            switch output {
            case .success(let bytes):
                #expect(bytes == expected, "\(String(decoding: bytes, as: UTF8.self))")
            case .failure(let error):
                Issue.record("unexpected error: \(error)")
            }
        } else {
            let fragment = try #require(testCase.fields["error"])
            switch output {
            case .success:
                Issue.record("expected an error containing '\(fragment)'")
            case .failure(let error):
                #expect(error.description.contains(fragment), "\(error)")
            }
        }
    }
}
