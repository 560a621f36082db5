import Crypto
import SwiftASN1

/// Key Vault's JWK (public members only) -> DER SubjectPublicKeyInfo, as Go's
/// `x509.MarshalPKIXPublicKey` writes it. The DER is built here rather than by swift-crypto's
/// `_RSA` types, which refuse keys under 2048 bits.
enum JWKPublicKey {
    static func subjectPublicKeyInfo(kty: String, crv: String?, n: String?, e: String?, x: String?, y: String?)
        throws(ContentError) -> [UInt8]
    {
        switch kty {
        case "RSA", "RSA-HSM":
            let modulus = try member(n, named: "n")
            let exponent = try member(e, named: "e")
            guard !modulus.isEmpty, !exponent.isEmpty else {
                throw ContentError("failed to get key. RSA key has an empty modulus or exponent")
            }
            let rsaPublicKey = try derEncode { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(modulus)
                    try coder.serialize(exponent)
                }
            }
            return try derEncode { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.serialize(ASN1ObjectIdentifier.AlgorithmIdentifier.rsaEncryption)
                        try coder.serialize(ASN1Null())
                    }
                    try coder.serialize(ASN1BitString(bytes: rsaPublicKey[...]))
                }
            }
        case "EC", "EC-HSM":
            let (curve, coordinateLength) = try namedCurve(crv ?? "")
            let point = try uncompressedPoint(
                x: member(x, named: "x"), y: member(y, named: "y"), length: coordinateLength)
            try validate(point, curve: curve)
            return try derEncode { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.serialize(ASN1ObjectIdentifier.AlgorithmIdentifier.idEcPublicKey)
                        try coder.serialize(curve)
                    }
                    try coder.serialize(ASN1BitString(bytes: point[...]))
                }
            }
        default:
            // Key Vault also has oct / oct-HSM (symmetric: nothing public to write).
            throw ContentError("failed to get key. key type '\(kty)' currently not supported")
        }
    }

    /// A JWK integer member: base64url, padding tolerated (as the Azure SDK for Go does), leading zeros dropped.
    private static func member(_ value: String?, named name: String) throws(ContentError) -> ArraySlice<UInt8> {
        let text = (value ?? "").utf8.reversed().drop { $0 == UInt8(ascii: "=") }.reversed()
        guard let bytes = Base64.decode(text, alphabet: .url) else {
            throw ContentError("failed to decode the key's '\(name)' member: illegal base64url data")
        }
        return bytes.drop { $0 == 0 }
    }

    private static func namedCurve(_ crv: String) throws(ContentError) -> (ASN1ObjectIdentifier, Int) {
        switch crv {
        case "P-256": (ASN1ObjectIdentifier.NamedCurves.secp256r1, 32)
        case "P-384": (ASN1ObjectIdentifier.NamedCurves.secp384r1, 48)
        case "P-521": (ASN1ObjectIdentifier.NamedCurves.secp521r1, 66)
        // P-256K (secp256k1) is a Key Vault curve too, but Go's crypto/x509 cannot encode it.
        default: throw ContentError("curve \(crv) is not supported")
        }
    }

    private static func uncompressedPoint(x: ArraySlice<UInt8>, y: ArraySlice<UInt8>, length: Int) throws(ContentError)
        -> [UInt8]
    {
        guard x.count <= length, y.count <= length else { throw ContentError("invalid elliptic curve public key") }
        return [0x04] + [UInt8](repeating: 0, count: length - x.count) + x
            + [UInt8](repeating: 0, count: length - y.count) + y
    }

    /// Go refuses points that are not on the curve ("x509: invalid elliptic curve public key").
    private static func validate(_ point: [UInt8], curve: ASN1ObjectIdentifier) throws(ContentError) {
        do {
            switch curve {
            case ASN1ObjectIdentifier.NamedCurves.secp256r1: _ = try P256.Signing.PublicKey(x963Representation: point)
            case ASN1ObjectIdentifier.NamedCurves.secp384r1: _ = try P384.Signing.PublicKey(x963Representation: point)
            default: _ = try P521.Signing.PublicKey(x963Representation: point)
            }
        } catch {
            throw ContentError("invalid elliptic curve public key")
        }
    }
}
