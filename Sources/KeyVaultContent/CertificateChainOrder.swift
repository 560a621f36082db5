import X509

/// `--construct-pem-chain`: orders certificates leaf -> intermediates -> root by linking each
/// certificate's Authority Key Identifier to another's Subject Key Identifier, the way the Go
/// provider's `fetchCertChains` does (same pairing rule, same leaf choice, same cycle error).
///
/// One deliberate difference: when the links do not reach every certificate (a missing
/// intermediate, a certificate without AKI/SKI, unrelated certificates), the Go provider writes
/// only the linked path and silently drops the rest; here the certificates keep their original
/// order instead, so nothing the PFX carried is lost.
enum CertificateChainOrder {
    /// The key identifiers of one certificate; nil when the extension (or its key identifier) is absent.
    struct KeyIdentifiers: Equatable {
        var authorityKeyID: [UInt8]?
        var subjectKeyID: [UInt8]?
    }

    /// Reads the identifiers from DER certificates (an unparsable certificate is an error, as in Go).
    static func keyIdentifiers(of certificates: [[UInt8]]) throws(ContentError) -> [KeyIdentifiers] {
        var result: [KeyIdentifiers] = []
        for (index, der) in certificates.enumerated() {
            do {
                let certificate = try Certificate(derEncoded: der)
                let authority = try certificate.extensions.authorityKeyIdentifier
                let subject = try certificate.extensions.subjectKeyIdentifier
                result.append(
                    KeyIdentifiers(
                        authorityKeyID: authority?.keyIdentifier.map { Array($0) },
                        subjectKeyID: subject.map { Array($0.keyIdentifier) }
                    ))
            } catch {
                throw ContentError("failed to parse certificate \(index + 1) of the PFX: \(error)")
            }
        }
        return result
    }

    /// The order in which to write the certificates, as indexes into `identifiers`.
    static func order(_ identifiers: [KeyIdentifiers]) throws(ContentError) -> [Int] {
        let count = identifiers.count
        guard count > 0 else { return [] }

        // parent[i] = the first other certificate whose SKI equals i's AKI (it signed i).
        var parent = [Int?](repeating: nil, count: count)
        var isParent = [Bool](repeating: false, count: count)
        for child in 0..<count {
            for candidate in 0..<count where candidate != child {
                let aki = identifiers[child].authorityKeyID
                let ski = identifiers[candidate].subjectKeyID
                // Both absent is no evidence of a link (Go compares them as equal empty strings otherwise).
                if aki == nil && ski == nil { continue }
                if (aki ?? []) == (ski ?? []) {
                    isParent[candidate] = true
                    parent[child] = candidate
                    break
                }
            }
        }

        // The leaf signs nothing; Go takes the first such certificate. With none, every certificate
        // has a parent and the links can only form cycles.
        guard let leaf = isParent.firstIndex(of: false) else {
            throw ContentError("constructing chain resulted in cycle: no leaf certificate found")
        }
        var chain: [Int] = []
        var next: Int? = leaf
        while let current = next {
            guard chain.count < count else { throw ContentError("constructing chain resulted in cycle") }
            chain.append(current)
            next = parent[current]
        }
        return chain.count == count ? chain : Array(0..<count)
    }
}
