import ProviderParameters
import Testing

@testable import KeyVaultContent

/// Certificate-backed secrets: content types, objectFormat pfx, the .crt/.key split.
@Suite struct CertificateBackedSecretTests {
    let legacyPFX: String
    let legacyPEM: [UInt8]
    let pemSecret: String

    init() throws {
        let vector = try #require(
            try Fixtures.json("conformance/certsecret-legacy-pfx-chain/vector.json") as? [String: Any])
        let answer = try #require((vector["key_vault"] as? [[String: Any]])?.first?["response"] as? [String: Any])
        legacyPFX = try #require(answer["value"] as? String)
        legacyPEM = try Fixtures.bytes("conformance/certsecret-legacy-pfx-chain/expected/chain-cert")
        pemSecret = try Fixtures.text("conformance/certsecret-pem-scrambled/expected/chain-cert-pem")
    }

    func files(
        _ value: String, _ contentType: String?, format: ObjectFormat = .pem, encoding: ObjectEncoding = .utf8,
        split: Bool = false, chain: Bool = true
    ) throws(ContentError) -> [ConvertedFile] {
        try ContentConversion.secretFiles(
            value: value, contentType: contentType, isCertificateBacked: true, format: format, encoding: encoding,
            settings: ContentSettings(constructPEMChain: chain, writeCertAndKeyInSeparateFiles: split)
        )
    }

    @Test func separateFilesFromPFX() throws {
        let result = try files(legacyPFX, "application/x-pkcs12", split: true)
        #expect(result.map(\.suffix) == [".crt", ".key", ""])
        #expect(result[2].contents == legacyPEM)
        let keyEnd = try #require(String(decoding: legacyPEM, as: UTF8.self).range(of: "-----END PRIVATE KEY-----\n"))
        let text = String(decoding: legacyPEM, as: UTF8.self)
        #expect(result[1].contents == Array(text[..<keyEnd.upperBound].utf8))
        #expect(result[0].contents == Array(text[keyEnd.upperBound...].utf8))
    }

    @Test func pemSecretIsPassedThroughAndSplit() throws {
        let result = try files(pemSecret, "application/x-pem-file", split: true)
        #expect(result.map(\.suffix) == [".crt", ".key", ""])
        #expect(result[2].contents == Array(pemSecret.utf8))
        let blocks = PEMBlock.decodeAll(Array(pemSecret.utf8))
        #expect(result[0].contents == blocks.filter { $0.type == PEMBlock.certificateType }.flatMap { $0.encoded() })
        #expect(result[1].contents == blocks.filter { $0.type != PEMBlock.certificateType }.flatMap { $0.encoded() })
        #expect(!result[0].contents.isEmpty && !result[1].contents.isEmpty)
    }

    @Test func pfxFormatKeepsTheBase64TextAndSplitsIntoEmptyFiles() throws {
        let text = try files(legacyPFX, "application/x-pkcs12", format: .pfx, split: true)
        #expect(
            text == [
                ConvertedFile(suffix: ".crt", contents: []), ConvertedFile(suffix: ".key", contents: []),
                ConvertedFile(suffix: "", contents: Array(legacyPFX.utf8)),
            ])
        let binary = try files(legacyPFX, "application/x-pkcs12", format: .pfx, encoding: .base64)
        #expect(
            binary.last?.contents
                == (try Fixtures.bytes("conformance/certsecret-pfx-format-base64/expected/chain-cert")))
    }

    @Test func withoutChainConstructionTheBagOrderIsKept() throws {
        let text = String(
            decoding: try files(legacyPFX, "application/x-pkcs12", chain: false)[0].contents, as: UTF8.self)
        // The vector's PFX stores leaf, root, intermediate.
        let blocks = PEMBlock.decodeAll(Array(text.utf8)).filter { $0.type == PEMBlock.certificateType }
        let ordered = PEMBlock.decodeAll(legacyPEM).filter { $0.type == PEMBlock.certificateType }
        #expect(blocks == [ordered[0], ordered[2], ordered[1]])
    }

    @Test func encodingAppliesToEveryFile() {
        // Go decodes each file with objectEncoding too: PEM text is not base64.
        #expect(throws: ContentError.self) {
            try files(pemSecret, "application/x-pem-file", encoding: .base64, split: true)
        }
    }

    @Test(arguments: ["application/octet-stream", "text/plain", "APPLICATION/X-PKCS12", ""])
    func unknownContentTypeIsAnError(_ contentType: String) {
        let error = #expect(throws: ContentError.self) { try files(pemSecret, contentType) }
        #expect(error?.description == "failed to get certificate. unknown content type '\(contentType)'")
    }

    @Test func missingContentTypeIsAnError() {
        let error = #expect(throws: ContentError.self) { try files(pemSecret, nil) }
        #expect(error?.description == "failed to get certificate. unknown content type ''")
    }

    @Test func badBase64PFXIsAnError() {
        let error = #expect(throws: ContentError.self) { try files("MIIQ6QIBAzCC!!", "application/x-pkcs12") }
        #expect(error?.description.contains("illegal base64") == true)
    }

    @Test func oversizedPFXIsRefused() {
        let huge = String(repeating: "A", count: (PKCS12Reader.maximumSize / 3 + 10) * 4)
        let error = #expect(throws: ContentError.self) { try files(huge, "application/x-pkcs12") }
        #expect(error?.description.contains("larger than") == true)
    }

    @Test func concurrentReadsAgree() async throws {
        let value = legacyPFX
        let expected = legacyPEM
        try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<16 {
                group.addTask {
                    try ContentConversion.secretFiles(
                        value: value, contentType: "application/x-pkcs12", isCertificateBacked: true,
                        format: .pem, encoding: .utf8, settings: ContentSettings()
                    )[0].contents
                }
            }
            for try await result in group { #expect(result == expected) }
        }
    }
}

/// Damaged PFX files must give an error (or, rarely, still decode), never a crash.
@Suite struct HostilePFXTests {
    @Test func mutatedPFXNeverCrashes() throws {
        let vector = try #require(
            try Fixtures.json("conformance/certsecret-legacy-pfx-chain/vector.json") as? [String: Any])
        let answer = try #require((vector["key_vault"] as? [[String: Any]])?.first?["response"] as? [String: Any])
        let value = try #require(answer["value"] as? String)
        let der = try #require(Base64.decode(value.utf8, alphabet: .standard))
        var generator = SystemRandomNumberGenerator()
        // Every input must come back (a crash fails the whole test run); a truncated DER can never parse.
        var truncatedAccepted = 0
        for round in 0..<300 {
            var mutated = der
            let truncated = round % 3 == 0
            if truncated {
                mutated = Array(mutated.prefix(Int.random(in: 0..<mutated.count, using: &generator)))
            } else {
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(
                        in: 0...255, using: &generator)
                }
            }
            do {
                _ = try CertificateBackedSecret.pem(
                    fromPKCS12Base64: String(decoding: Base64.encode(mutated), as: UTF8.self),
                    settings: ContentSettings())
                if truncated { truncatedAccepted += 1 }
            } catch {
                continue
            }
        }
        #expect(truncatedAccepted == 0)
    }
}
