import ProviderParameters

/// Pure conversions of Key Vault answers into the bytes of the files the provider returns,
/// byte-identical to the Go provider (v1.8.2) except where docs/content.md says otherwise.
public enum ContentConversion {
    /// A plain or certificate-backed secret (`isCertificateBacked`: the bundle had a `kid`).
    /// Files come in the Go provider's order: `.crt` and `.key` (only for a certificate-backed
    /// secret with `writeCertAndKeyInSeparateFiles`), then the main file. `objectEncoding` is
    /// applied to every file, as Go does.
    public static func secretFiles(
        value: String,
        contentType: String?,
        isCertificateBacked: Bool,
        format: ObjectFormat,
        encoding: ObjectEncoding,
        settings: ContentSettings
    ) throws(ContentError) -> [ConvertedFile] {
        guard isCertificateBacked else {
            return [ConvertedFile(suffix: "", contents: try SecretDecoding.decode(value.utf8, as: encoding))]
        }
        let text = try CertificateBackedSecret.content(
            value: value, contentType: contentType, format: format, settings: settings)
        var files: [ConvertedFile] = []
        if settings.writeCertAndKeyInSeparateFiles {
            let (certificates, keys) = CertificateBackedSecret.split(text)
            files.append(
                ConvertedFile(
                    suffix: SplitFile.certificate.suffix,
                    contents: try SecretDecoding.decode(certificates, as: encoding)))
            files.append(
                ConvertedFile(
                    suffix: SplitFile.privateKey.suffix, contents: try SecretDecoding.decode(keys, as: encoding)))
        }
        files.append(ConvertedFile(suffix: "", contents: try SecretDecoding.decode(text, as: encoding)))
        return files
    }

    /// A key bundle's JWK (only the public members) -> PKIX `PUBLIC KEY` PEM.
    public static func publicKeyPEM(kty: String, crv: String?, n: String?, e: String?, x: String?, y: String?)
        throws(ContentError) -> [UInt8]
    {
        let spki = try JWKPublicKey.subjectPublicKeyInfo(kty: kty, crv: crv, n: n, e: e, x: x, y: y)
        return PEMBlock(type: "PUBLIC KEY", bytes: spki).encoded()
    }

    /// A certificate bundle's `cer` (standard base64 DER) -> one `CERTIFICATE` PEM block.
    public static func certificatePEM(cer: String) throws(ContentError) -> [UInt8] {
        try CertificatePEM.pem(cer: cer)
    }
}
