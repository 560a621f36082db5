import COpenSSL

/// The certificates and private keys of a PKCS#12 file, each in the order of its bags (the
/// order the Go provider writes them in).
struct PKCS12Contents {
    /// PKCS#8 DER, re-encoded by OpenSSL (attributes dropped, RSA as rsaEncryption + PKCS#1).
    var privateKeys: [[UInt8]] = []
    /// X.509 DER as stored in the certificate bags.
    var certificates: [[UInt8]] = []
}

/// Loads OpenSSL's providers once per process (Swift runs a global's initializer exactly once,
/// thread-safely). Loading any provider switches the implicit "default" one off, so both are
/// loaded explicitly; "legacy" supplies RC2-40, which Key Vault's PFX use for certificate bags.
/// Without it (module missing) modern files still read.
private let defaultProviderLoaded: Bool = {
    _ = OSSL_PROVIDER_load(nil, "legacy")
    return OSSL_PROVIDER_load(nil, "default") != nil
}()

/// PKCS#12 through OpenSSL's libcrypto: the only file that touches OpenSSL. It walks the bags
/// itself instead of calling `PKCS12_parse`, which keeps only one key and loses the bag order.
/// Both generations read: legacy (RC2-40 / 3DES, SHA-1 MAC) and modern (PBES2 AES-256, SHA-256 MAC).
enum PKCS12Reader {
    /// Key Vault secrets are at most 25 KB; this leaves room for fakes and imports.
    static let maximumSize = 1 << 20
    /// Total PBKDF / PKCS#12-KDF rounds one file may ask for (normal files use a few thousand).
    static let iterationBudget = 10_000_000
    private static let maximumNesting = 4

    /// The empty password exists in two spellings: an empty BMPString (two zero bytes, the
    /// standard) and no password at all. Producers differ, so both are tried.
    private enum Password: CaseIterable {
        case emptyString
        case absent

        func with<Result>(_ body: (UnsafePointer<CChar>?, Int32) -> Result) -> Result {
            switch self {
            case .emptyString: "".withCString { body($0, 0) }
            case .absent: body(nil, 0)
            }
        }
    }

    private struct Budget {
        var remaining = PKCS12Reader.iterationBudget

        /// Charges `times` key derivations of `iterations` rounds (one per password tried).
        mutating func spend(_ iterations: Int?, times: Int = 1) throws(ContentError) {
            guard let iterations, iterations >= 0 else {
                throw ContentError("failed to decode PKCS#12: unsupported password-based encryption parameters")
            }
            // Divides instead of multiplying: a hostile count must not overflow.
            guard iterations <= remaining / max(times, 1) else {
                throw ContentError(
                    "failed to decode PKCS#12: more than \(PKCS12Reader.iterationBudget) key-derivation iterations")
            }
            remaining -= iterations * times
        }
    }

    static func read(_ der: [UInt8]) throws(ContentError) -> PKCS12Contents {
        guard der.count <= maximumSize else {
            throw ContentError("failed to decode PKCS#12: larger than \(maximumSize) bytes")
        }
        guard defaultProviderLoaded else {
            throw ContentError("failed to decode PKCS#12: OpenSSL's default provider is not available")
        }
        // OpenSSL's error queue is per thread; leave nothing behind for other code on this thread.
        defer { ERR_clear_error() }

        let parsed = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_PKCS12(nil, &cursor, buffer.count)
        }
        guard let p12 = parsed else { throw ContentError("failed to decode PKCS#12: not a PFX structure") }
        defer { PKCS12_free(p12) }

        var budget = Budget()
        let passwords = try macPasswords(p12, budget: &budget)

        guard let authSafes = PKCS12_unpack_authsafes(p12) else {
            throw ContentError("failed to decode PKCS#12: only password-protected PFX files are supported")
        }
        defer { OPENSSL_sk_pop_free(authSafes) { PKCS7_free($0?.assumingMemoryBound(to: PKCS7.self)) } }

        var contents = PKCS12Contents()
        for index in 0..<OPENSSL_sk_num(authSafes) {
            guard let p7 = OPENSSL_sk_value(authSafes, index)?.assumingMemoryBound(to: PKCS7.self) else { continue }
            let bags: OpaquePointer?
            switch OBJ_obj2nid(p7.pointee.type) {
            case NID_pkcs7_data:
                bags = PKCS12_unpack_p7data(p7)
            case NID_pkcs7_encrypted:
                guard let algorithm = p7.pointee.d.encrypted?.pointee.enc_data?.pointee.algorithm else {
                    throw ContentError("failed to decode PKCS#12: encrypted content without an algorithm")
                }
                try budget.spend(iterations(of: algorithm), times: passwords.count)
                bags = firstDecrypted(passwords) { PKCS12_unpack_p7encdata(p7, $0, $1) }
            default:
                throw ContentError("failed to decode PKCS#12: only password-protected PFX files are supported")
            }
            guard let bags else {
                throw ContentError(
                    "failed to decode PKCS#12: cannot decrypt the PFX with the empty password (or its algorithm is unsupported)"
                )
            }
            defer { OPENSSL_sk_pop_free(bags) { PKCS12_SAFEBAG_free(OpaquePointer($0)) } }
            try collect(bags, depth: 0, passwords: passwords, budget: &budget, into: &contents)
        }
        return contents
    }

    /// Which empty password the MAC was made with; both when the file has no MAC (OpenSSL accepts
    /// that, Go's pkcs12 does not).
    private static func macPasswords(_ p12: OpaquePointer, budget: inout Budget) throws(ContentError) -> [Password] {
        guard PKCS12_mac_present(p12) == 1 else { return Password.allCases }
        var iterationsField: UnsafePointer<ASN1_INTEGER>?
        PKCS12_get0_mac(nil, nil, nil, &iterationsField, p12)
        let iterations = iterationsField.map { ASN1_INTEGER_get($0) } ?? 1
        for password in Password.allCases {
            try budget.spend(iterations)
            if password.with({ PKCS12_verify_mac(p12, $0, $1) }) == 1 { return [password] }
        }
        throw ContentError("failed to decode PKCS#12: MAC verification with the empty password failed")
    }

    private static func collect(
        _ bags: OpaquePointer, depth: Int, passwords: [Password], budget: inout Budget,
        into contents: inout PKCS12Contents
    ) throws(ContentError) {
        for index in 0..<OPENSSL_sk_num(bags) {
            guard let bag = OPENSSL_sk_value(bags, index).map(OpaquePointer.init) else { continue }
            switch PKCS12_SAFEBAG_get_nid(bag) {
            case NID_certBag:
                // Only X.509 certificates have anything to write (SDSI certificates are skipped).
                // OpenSSL keeps the parsed certificate's encoding, so a DER certificate comes out
                // byte for byte as stored.
                guard PKCS12_SAFEBAG_get_bag_nid(bag) == NID_x509Certificate else { continue }
                guard let certificate = PKCS12_SAFEBAG_get1_cert(bag) else {
                    throw ContentError("failed to decode PKCS#12: unreadable certificate")
                }
                defer { X509_free(certificate) }
                contents.certificates.append(try derBytes { i2d_X509(certificate, $0) })
            case NID_keyBag:
                guard let info = PKCS12_SAFEBAG_get0_p8inf(bag) else {
                    throw ContentError("failed to decode PKCS#12: empty key bag")
                }
                contents.privateKeys.append(try reencoded(info))
            case NID_pkcs8ShroudedKeyBag:
                var algorithm: UnsafePointer<X509_ALGOR>?
                guard let shrouded = PKCS12_SAFEBAG_get0_pkcs8(bag) else {
                    throw ContentError("failed to decode PKCS#12: empty shrouded key bag")
                }
                X509_SIG_get0(shrouded, &algorithm, nil)
                guard let algorithm else {
                    throw ContentError("failed to decode PKCS#12: shrouded key without an algorithm")
                }
                try budget.spend(iterations(of: algorithm), times: passwords.count)
                guard let info = firstDecrypted(passwords, { PKCS12_decrypt_skey(bag, $0, $1) }) else {
                    throw ContentError(
                        "failed to decode PKCS#12: cannot decrypt a private key with the empty password (or its algorithm is unsupported)"
                    )
                }
                defer { PKCS8_PRIV_KEY_INFO_free(info) }
                contents.privateKeys.append(try reencoded(info))
            case NID_safeContentsBag:
                guard depth < maximumNesting, let nested = PKCS12_SAFEBAG_get0_safes(bag) else {
                    throw ContentError("failed to decode PKCS#12: safe contents nested too deeply")
                }
                try collect(nested, depth: depth + 1, passwords: passwords, budget: &budget, into: &contents)
            default:
                // CRL and secret bags carry nothing the provider writes.
                continue
            }
        }
    }

    /// The first password `decrypt` succeeds with, each tried once. (`passwords.lazy.compactMap(...).first` ran
    /// the successful decryption twice and leaked the first result: found by AddressSanitizer.)
    private static func firstDecrypted<Result>(
        _ passwords: [Password], _ decrypt: (UnsafePointer<CChar>?, Int32) -> Result?
    ) -> Result? {
        for password in passwords {
            if let result = password.with(decrypt) { return result }
        }
        return nil
    }

    private static func iterations(of algorithm: UnsafePointer<X509_ALGOR>) -> Int? {
        guard let der = try? derBytes({ i2d_X509_ALGOR(algorithm, $0) }) else { return nil }
        return PBEIterations.count(algorithmIdentifierDER: der)
    }

    /// Round-trips the key through an EVP_PKEY: validates it and gives OpenSSL's canonical PKCS#8.
    private static func reencoded(_ info: OpaquePointer) throws(ContentError) -> [UInt8] {
        guard let key = EVP_PKCS82PKEY(info) else {
            throw ContentError("failed to decode PKCS#12: unreadable private key")
        }
        defer { EVP_PKEY_free(key) }
        guard let canonical = EVP_PKEY2PKCS8(key) else {
            throw ContentError("failed to decode PKCS#12: unencodable private key")
        }
        defer { PKCS8_PRIV_KEY_INFO_free(canonical) }
        return try derBytes { i2d_PKCS8_PRIV_KEY_INFO(canonical, $0) }
    }

    /// The two-call i2d idiom: ask for the length, then encode into a buffer of that size.
    private static func derBytes(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32)
        throws(ContentError) -> [UInt8]
    {
        let length = encode(nil)
        guard length > 0 else { throw ContentError("failed to decode PKCS#12: DER encoding failed") }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written = bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return encode(&cursor)
        }
        guard written == length else { throw ContentError("failed to decode PKCS#12: DER encoding failed") }
        return bytes
    }
}
