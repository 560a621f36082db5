/// `cert` objects: the certificate bundle's `cer` (standard base64 DER of the leaf) as one
/// CERTIFICATE block. Like the Go provider, the DER is wrapped as received, not re-encoded.
enum CertificatePEM {
    static func pem(cer: String) throws(ContentError) -> [UInt8] {
        // The Azure SDK for Go leaves an empty `cer` unset, which the Go provider reports like this.
        guard !cer.isEmpty else { throw ContentError("certificate value is nil") }
        guard let der = Base64.decode(cer.utf8, alphabet: .standard) else {
            throw ContentError("failed to decode the certificate's cer: illegal base64 data")
        }
        return PEMBlock(type: "CERTIFICATE", bytes: der).encoded()
    }
}
