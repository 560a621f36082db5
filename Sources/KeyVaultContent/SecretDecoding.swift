import ProviderParameters

/// `objectEncoding`: how a secret's text becomes the file's bytes, with the Go provider's rules
/// (`encoding/base64` StdEncoding and `encoding/hex`).
enum SecretDecoding {
    static func decode(_ text: some Collection<UInt8>, as encoding: ObjectEncoding) throws(ContentError) -> [UInt8] {
        switch encoding {
        case .utf8:
            return Array(text)
        case .base64:
            guard let bytes = Base64.decode(text, alphabet: .standard) else {
                throw ContentError("failed to decode the secret value as base64: illegal base64 data")
            }
            return bytes
        case .hex:
            return try decodeHex(text)
        }
    }

    private static func decodeHex(_ text: some Collection<UInt8>) throws(ContentError) -> [UInt8] {
        // Go's hex.DecodeString reports a bad digit before an odd length; so does this.
        var output: [UInt8] = []
        output.reserveCapacity(text.count / 2)
        var high: UInt8?
        for (offset, character) in text.enumerated() {
            guard let nibble = hexValue(character) else {
                throw ContentError("failed to decode the secret value as hex: invalid byte at offset \(offset)")
            }
            if let pending = high {
                output.append(pending << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        guard high == nil else { throw ContentError("failed to decode the secret value as hex: odd length hex string") }
        return output
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
