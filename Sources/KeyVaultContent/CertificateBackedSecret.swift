import ProviderParameters

/// A certificate's backing secret (the secret bundle has a `kid`). Like the Go provider, any
/// content type other than the two Key Vault uses for certificates is an error, even though the
/// same secret without `kid` would be written as is.
enum CertificateBackedSecret {
    static let pemContentType = "application/x-pem-file"
    static let pkcs12ContentType = "application/x-pkcs12"

    /// The main file's text, before `objectEncoding` is applied.
    static func content(value: String, contentType: String?, format: ObjectFormat, settings: ContentSettings)
        throws(ContentError) -> [UInt8]
    {
        switch contentType {
        case pemContentType?:
            // Passed through unchanged: no reordering, no re-encoding.
            return Array(value.utf8)
        case pkcs12ContentType? where format == .pfx:
            // The base64 text as stored (`objectEncoding: base64` then yields the binary PFX).
            return Array(value.utf8)
        case pkcs12ContentType?:
            return try pem(fromPKCS12Base64: value, settings: settings)
        default:
            throw ContentError("failed to get certificate. unknown content type '\(contentType ?? "")'")
        }
    }

    /// Private key(s) first as PKCS#8 `PRIVATE KEY`, then the certificates, each block as Go's
    /// `pem.EncodeToMemory` writes it.
    static func pem(fromPKCS12Base64 value: String, settings: ContentSettings) throws(ContentError) -> [UInt8] {
        guard let der = Base64.decode(value.utf8, alphabet: .standard) else {
            throw ContentError("failed to decode the PFX: illegal base64 data")
        }
        let contents = try PKCS12Reader.read(der)
        var pem: [UInt8] = []
        for key in contents.privateKeys {
            pem += PEMBlock(type: "PRIVATE KEY", bytes: try PrivateKeyPKCS8.goCanonical(key)).encoded()
        }
        let order =
            settings.constructPEMChain
            ? try CertificateChainOrder.order(CertificateChainOrder.keyIdentifiers(of: contents.certificates))
            : Array(contents.certificates.indices)
        for index in order {
            pem += PEMBlock(type: "CERTIFICATE", bytes: contents.certificates[index]).encoded()
        }
        return pem
    }

    /// `--write-cert-and-key-in-separate-files`: the CERTIFICATE blocks and all other blocks of the
    /// main file's text, each re-encoded (Go's `splitCertAndKey`). Text that is not PEM (a PFX kept
    /// with `objectFormat: pfx`) gives two empty files, as in Go.
    static func split(_ text: [UInt8]) -> (certificates: [UInt8], keys: [UInt8]) {
        var certificates: [UInt8] = []
        var keys: [UInt8] = []
        for block in PEMBlock.decodeAll(text) {
            if block.type == PEMBlock.certificateType {
                certificates += block.encoded()
            } else {
                keys += block.encoded()
            }
        }
        return (certificates, keys)
    }
}
