import Crypto
import Foundation

/// Who a token belongs to. The credential material itself (service-account token, client secret, pod
/// name/namespace, user-assigned id) enters only as a SHA-256 digest: the cache never holds a second
/// copy of a secret, and any change of material yields a different identity, so two pods with different
/// service-account tokens never share an entry and a rotated client secret never reuses the old token.
public struct CredentialIdentity: Sendable, Hashable, CustomStringConvertible {
    public var mode: IdentityMode
    public var tenantID: String
    public var authorityHost: String
    public var clientID: String
    /// Hex SHA-256 of the mode's credential material.
    public var materialDigest: String

    public init(mode: IdentityMode, tenantID: String, authorityHost: String, clientID: String, material: [String]) {
        self.mode = mode
        self.tenantID = tenantID
        self.authorityHost = authorityHost
        self.clientID = clientID
        self.materialDigest = Self.digest(material)
    }

    /// Parts are length-prefixed so that ("ab", "c") and ("a", "bc") differ.
    static func digest(_ parts: [String]) -> String {
        var hasher = SHA256()
        for part in parts {
            let bytes = Array(part.utf8)
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: bytes)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Safe to log: no digest (it is a fingerprint of a secret), only who.
    public var description: String { "\(mode.rawValue) tenant=\(tenantID) clientID=\(clientID)" }
}
