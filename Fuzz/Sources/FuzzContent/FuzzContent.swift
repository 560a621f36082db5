import FuzzInput
import KeyVaultContent
import ProviderParameters

/// Input: a mode byte, a flags byte, then the fields (split at NUL bytes).
/// - mode % 3 == 0, `ContentConversion.secretFiles`: `[contentType NUL] value`; flags bit 0 certificate-backed,
///   bit 1 `objectFormat: pfx`, bits 2-3 `objectEncoding` (utf-8, base64, hex), bit 4 construct the PEM chain,
///   bit 5 separate `.crt`/`.key` files, bit 6 the value is raw bytes (a PFX) sent as standard base64.
/// - mode % 3 == 1, `ContentConversion.publicKeyPEM`: `kty NUL crv NUL n NUL e NUL x NUL y` (a missing field is
///   absent from the JWK); flags bit 6: n, e, x, y are raw bytes sent as base64url.
/// - mode % 3 == 2, `ContentConversion.certificatePEM`: `cer`; flags bit 6: raw DER sent as standard base64.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzContent(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    guard input.bytes.count >= 2 else { return 0 }
    let mode = input.bytes[0] % 3
    let flags = input.bytes[1]
    let raw = flags & 0x40 != 0
    let rest = input.bytes[2...]
    switch mode {
    case 0:
        let fields = input.fields(rest, limit: 2)
        let contentType = fields.count > 1 ? FuzzInput.text(fields[0]) : nil
        let valueBytes = fields[fields.count - 1]
        let value = raw ? FuzzInput.base64(valueBytes, urlSafe: false) : FuzzInput.text(valueBytes)
        let encodings: [ObjectEncoding] = [.utf8, .base64, .hex, .utf8]
        _ = try? ContentConversion.secretFiles(
            value: value, contentType: contentType, isCertificateBacked: flags & 0x01 != 0,
            format: flags & 0x02 != 0 ? .pfx : .pem, encoding: encodings[Int(flags >> 2 & 3)],
            settings: ContentSettings(
                constructPEMChain: flags & 0x10 != 0, writeCertAndKeyInSeparateFiles: flags & 0x20 != 0))
    case 1:
        let fields = input.fields(rest, limit: 6)
        func member(_ index: Int) -> String? {
            guard index < fields.count else { return nil }
            return index >= 2 && raw ? FuzzInput.base64(fields[index], urlSafe: true) : FuzzInput.text(fields[index])
        }
        _ = try? ContentConversion.publicKeyPEM(
            kty: member(0) ?? "", crv: member(1), n: member(2), e: member(3), x: member(4), y: member(5))
    default:
        _ = try? ContentConversion.certificatePEM(
            cer: raw ? FuzzInput.base64(rest, urlSafe: false) : FuzzInput.text(rest))
    }
    return 0
}

/// SwiftPM's entry point for this executable target (see `runFuzzer`).
@_cdecl("FuzzContent_main")
public func fuzzContentMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzContent)
}
