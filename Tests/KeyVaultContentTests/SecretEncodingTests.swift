import KeyVaultContent
import ProviderParameters
import Testing

/// `objectEncoding` on plain secrets, with Go's decoding rules.
@Suite struct SecretEncodingTests {
    func decode(_ value: String, _ encoding: ObjectEncoding) throws(ContentError) -> [UInt8] {
        let files = try ContentConversion.secretFiles(
            value: value, contentType: nil, isCertificateBacked: false, format: .pem, encoding: encoding,
            settings: ContentSettings()
        )
        #expect(files.map(\.suffix) == [""])
        return files[0].contents
    }

    @Test func utf8IsTheValueAsIs() throws {
        #expect(try decode("héllo\nwörld\r\n", .utf8) == Array("héllo\nwörld\r\n".utf8))
        #expect(try decode("", .utf8) == [])
    }

    @Test func plainSecretsIgnoreContentType() throws {
        let files = try ContentConversion.secretFiles(
            value: "not a pfx", contentType: "application/x-pkcs12", isCertificateBacked: false,
            format: .pem, encoding: .utf8, settings: ContentSettings(writeCertAndKeyInSeparateFiles: true)
        )
        #expect(files == [ConvertedFile(suffix: "", contents: Array("not a pfx".utf8))])
    }

    @Test(arguments: [
        ("aGVsbG8=", "hello"), ("aGVsbG8h", "hello!"), ("aGVs\nbG8=\r\n", "hello"), ("", ""), ("aGk=", "hi"),
        ("aGl=", "hi"),  // non-zero trailing bits: Go's StdEncoding (not Strict) accepts them
    ])
    func base64Decodes(_ input: String, _ expected: String) throws {
        #expect(try decode(input, .base64) == Array(expected.utf8))
    }

    @Test(arguments: [
        "aGVsbG8", "aGVsbG8===", "aGV sbG8=", "aGVs=bG8", "a", "aGVsbG8-", "aGVsbG8_", "====", "aGVsbA=a",
    ])
    func badBase64IsAnError(_ input: String) {
        #expect(throws: ContentError.self) { try decode(input, .base64) }
    }

    @Test func base64ErrorDoesNotLeakTheValue() {
        let error = #expect(throws: ContentError.self) { try decode("c2VjcmV0!!", .base64) }
        #expect(error?.description.contains("c2VjcmV0") == false)
        #expect(error?.description.contains("base64") == true)
    }

    @Test(
        arguments: [("00ff10", [0x00, 0xFF, 0x10]), ("ABCDEF", [0xAB, 0xCD, 0xEF]), ("", [])] as [(String, [UInt8])])
    func hexDecodes(_ input: String, _ expected: [UInt8]) throws {
        #expect(try decode(input, .hex) == expected)
    }

    @Test func badHexIsAnError() {
        let odd = #expect(throws: ContentError.self) { try decode("abc", .hex) }
        #expect(odd?.description.contains("odd length") == true)
        let invalid = #expect(throws: ContentError.self) { try decode("zz00", .hex) }
        #expect(invalid?.description.contains("invalid byte") == true)
        // Like Go, a bad digit is reported before an odd length.
        let both = #expect(throws: ContentError.self) { try decode("0g0", .hex) }
        #expect(both?.description.contains("invalid byte") == true)
        #expect(throws: ContentError.self) { try decode("0x10", .hex) }
        #expect(throws: ContentError.self) { try decode("00 11", .hex) }
    }
}
