import SwiftASN1

/// Reads the iteration count from a PKCS#12 encryption AlgorithmIdentifier, so that a hostile PFX
/// asking for billions of key-derivation rounds is refused before OpenSSL starts on it.
enum PBEIterations {
    private static let pbes2: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 5, 13]
    private static let pbkdf2: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 5, 12]

    /// The count, or nil when the parameters are not the PBES1 / PKCS#12-PBE `{salt, iterations}`
    /// or PBES2-with-PBKDF2 shape (OpenSSL could not use them either).
    static func count(algorithmIdentifierDER der: [UInt8]) -> Int? {
        do {
            return try DER.sequence(try DER.parse(der), identifier: .sequence) { nodes in
                let algorithm = try ASN1ObjectIdentifier(derEncoded: &nodes)
                guard let parameters = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no parameters") }
                guard algorithm == pbes2 else { return try saltAndIterations(parameters) }
                return try DER.sequence(parameters, identifier: .sequence) { nodes in
                    guard let kdf = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no KDF") }
                    while nodes.next() != nil {}
                    return try DER.sequence(kdf, identifier: .sequence) { nodes in
                        // scrypt and other KDFs are not offered by Key Vault or Go; only PBKDF2 is read.
                        guard try ASN1ObjectIdentifier(derEncoded: &nodes) == pbkdf2, let kdfParameters = nodes.next()
                        else {
                            throw ASN1Error.invalidASN1Object(reason: "not PBKDF2")
                        }
                        return try saltAndIterations(kdfParameters)
                    }
                }
            }
        } catch {
            return nil
        }
    }

    private static func saltAndIterations(_ node: ASN1Node) throws -> Int {
        try DER.sequence(node, identifier: .sequence) { nodes in
            _ = nodes.next()
            let iterations = try Int(derEncoded: &nodes)
            while nodes.next() != nil {}
            return iterations
        }
    }
}
