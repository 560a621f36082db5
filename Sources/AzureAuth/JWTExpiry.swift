import Foundation

/// The expiry of the service-account token (a JWT) the driver hands over, when the driver sent no
/// `expirationTimestamp`. Only the `exp` claim is read;
/// Entra ID verifies the signature. Public for `mount`, which builds the driver's token attribute from a file.
public enum JWTExpiry {
    public static func expiry(of jwt: String) -> Date? {
        struct Claims: Decodable { let exp: Double? }
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = base64URLDecoded(parts[1]),
            let exp = (try? JSONDecoder().decode(Claims.self, from: payload))?.exp
        else { return nil }
        return Date(timeIntervalSince1970: exp)
    }

    /// JWT segments are unpadded base64url (RFC 7515 §2); Foundation reads only padded standard base64, so
    /// the alphabet is checked, mapped and padded here (a length of 1 mod 4 is invalid and stays rejected).
    static func base64URLDecoded(_ segment: Substring) -> Data? {
        guard
            segment.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
            })
        else { return nil }
        let base64 = segment.map { $0 == "-" ? "+" : $0 == "_" ? "/" : String($0) }.joined()
        return Data(base64Encoded: base64 + String(repeating: "=", count: (4 - base64.count % 4) % 4))
    }
}
