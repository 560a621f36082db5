import Testing

@testable import KeyVaultContent

/// Go `encoding/pem` compatibility, `cert` objects and object versions.
@Suite struct PEMAndCertificateTests {
    @Test func encodingWrapsAt64ColumnsWithFinalNewline() {
        let block = PEMBlock(type: "TEST", bytes: Array(0..<48)).encoded()
        let text = String(decoding: block, as: UTF8.self)
        #expect(
            text
                == "-----BEGIN TEST-----\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v\n-----END TEST-----\n"
        )
        #expect(
            String(decoding: PEMBlock(type: "EMPTY", bytes: []).encoded(), as: UTF8.self)
                == "-----BEGIN EMPTY-----\n-----END EMPTY-----\n")
    }

    @Test func decodingSkipsJunkAndHandlesCRLFAndHeaders() {
        let input = """
            junk before\r
            -----BEGIN CERTIFICATE-----\r
            AQID\r
            -----END CERTIFICATE-----\r
            between
            -----BEGIN RSA PRIVATE KEY-----
            Proc-Type: 4,ENCRYPTED
            DEK-Info: AES-128-CBC,00
            Comment : x

            BAUG
            -----END RSA PRIVATE KEY-----
            -----BEGIN BROKEN-----
            !!!!
            -----END BROKEN-----
            -----BEGIN MISMATCH-----
            AQID
            -----END OTHER-----
            trailing
            """
        let blocks = PEMBlock.decodeAll(Array(input.utf8))
        #expect(blocks.map { String(decoding: $0.type, as: UTF8.self) } == ["CERTIFICATE", "RSA PRIVATE KEY"])
        #expect(blocks[0].bytes == [1, 2, 3])
        #expect(blocks[1].bytes == [4, 5, 6])
        // Go re-encodes headers with Proc-Type first, the others sorted, then a blank line.
        #expect(
            String(decoding: blocks[1].encoded(), as: UTF8.self) == """
                -----BEGIN RSA PRIVATE KEY-----
                Proc-Type: 4,ENCRYPTED
                Comment: x
                DEK-Info: AES-128-CBC,00

                BAUG
                -----END RSA PRIVATE KEY-----

                """)
    }

    @Test func certificatePEMWrapsTheDERAsIs() throws {
        let pem = try ContentConversion.certificatePEM(cer: "AQIDBA==")
        #expect(
            String(decoding: pem, as: UTF8.self) == "-----BEGIN CERTIFICATE-----\nAQIDBA==\n-----END CERTIFICATE-----\n"
        )
    }

    @Test(arguments: ["", "AQID*", "AQIDBA"])
    func badCertificateIsAnError(_ cer: String) {
        #expect(throws: ContentError.self) { try ContentConversion.certificatePEM(cer: cer) }
    }
}
