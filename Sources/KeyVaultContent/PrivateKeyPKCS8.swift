import Crypto
import Foundation
import SwiftASN1

/// The PKCS#8 `PRIVATE KEY` bytes the Go provider writes for a PFX's key: Go's
/// `x509.MarshalPKCS8PrivateKey` of the parsed key.
/// - RSA: rsaEncryption with NULL parameters around the PKCS#1 key, which is exactly what
///   OpenSSL's re-encoding (PKCS12Reader) gives, so it passes through.
/// - ECDSA: the curve named in the algorithm parameters, and an ECPrivateKey of version 1 with
///   the scalar padded to the curve size, no parameters and the uncompressed public key. It is
///   rebuilt here so a compressed or missing public key in the source changes nothing.
/// Other key types fail in Go's pkcs12 package; they fail here too.
enum PrivateKeyPKCS8 {
    static func goCanonical(_ pkcs8: [UInt8]) throws(ContentError) -> [UInt8] {
        let algorithm: ASN1ObjectIdentifier
        let curve: ASN1ObjectIdentifier?
        do {
            (algorithm, curve) = try DER.sequence(try DER.parse(pkcs8), identifier: .sequence) { nodes in
                _ = try Int(derEncoded: &nodes)
                let identifier = try DER.sequence(of: ASN1Any.self, identifier: .sequence, nodes: &nodes)
                while nodes.next() != nil {}
                guard let first = identifier.first else { throw ASN1Error.invalidASN1Object(reason: "empty algorithm") }
                let algorithm = try ASN1ObjectIdentifier(asn1Any: first)
                // Named curves only: explicit curve parameters are refused by Go's crypto/x509 too.
                let curve = identifier.dropFirst().first.flatMap { try? ASN1ObjectIdentifier(asn1Any: $0) }
                return (algorithm, curve)
            }
        } catch {
            throw ContentError("failed to parse a private key of the PFX")
        }

        switch (algorithm, curve) {
        case (ASN1ObjectIdentifier.AlgorithmIdentifier.rsaEncryption, _):
            return pkcs8
        case (ASN1ObjectIdentifier.AlgorithmIdentifier.idEcPublicKey, ASN1ObjectIdentifier.NamedCurves.secp256r1?):
            return try ecKey(pkcs8, curve: .NamedCurves.secp256r1) {
                try P256.Signing.PrivateKey(derRepresentation: $0)
            }
        case (ASN1ObjectIdentifier.AlgorithmIdentifier.idEcPublicKey, ASN1ObjectIdentifier.NamedCurves.secp384r1?):
            return try ecKey(pkcs8, curve: .NamedCurves.secp384r1) {
                try P384.Signing.PrivateKey(derRepresentation: $0)
            }
        case (ASN1ObjectIdentifier.AlgorithmIdentifier.idEcPublicKey, ASN1ObjectIdentifier.NamedCurves.secp521r1?):
            return try ecKey(pkcs8, curve: .NamedCurves.secp521r1) {
                try P521.Signing.PrivateKey(derRepresentation: $0)
            }
        default:
            throw ContentError("unsupported private key type in the PFX (RSA, or ECDSA on P-256, P-384, P-521 only)")
        }
    }

    private static func ecKey<Key: ECSigningPrivateKey>(
        _ pkcs8: [UInt8], curve: ASN1ObjectIdentifier, parse: ([UInt8]) throws -> Key
    ) throws(ContentError) -> [UInt8] {
        let key: Key
        do {
            key = try parse(pkcs8)
        } catch {
            throw ContentError("failed to parse an ECDSA private key of the PFX")
        }
        let ecPrivateKey = try derEncode { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(1)
                try coder.serialize(ASN1OctetString(contentBytes: Array(key.rawRepresentation)[...]))
                try coder.serialize(explicitlyTaggedWithTagNumber: 1, tagClass: .contextSpecific) { coder in
                    try coder.serialize(ASN1BitString(bytes: Array(key.x963PublicKey)[...]))
                }
            }
        }
        return try derEncode { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(0)
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(ASN1ObjectIdentifier.AlgorithmIdentifier.idEcPublicKey)
                    try coder.serialize(curve)
                }
                try coder.serialize(ASN1OctetString(contentBytes: ecPrivateKey[...]))
            }
        }
    }
}

/// What `ecKey` needs from swift-crypto's three NIST-curve key types.
private protocol ECSigningPrivateKey {
    var rawRepresentation: Data { get }
    var x963PublicKey: Data { get }
}

extension P256.Signing.PrivateKey: ECSigningPrivateKey {
    var x963PublicKey: Data { publicKey.x963Representation }
}

extension P384.Signing.PrivateKey: ECSigningPrivateKey {
    var x963PublicKey: Data { publicKey.x963Representation }
}

extension P521.Signing.PrivateKey: ECSigningPrivateKey {
    var x963PublicKey: Data { publicKey.x963Representation }
}
