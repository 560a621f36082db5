/// How a failed TLS handshake reads in an error: the library's description, with each BoringSSL error cut down to
/// its reason. BoringSSL's entries otherwise carry a numeric code and the path and line of the C source that raised
/// them, a path on the machine that built the binary: noise for the reader, and different in every build.
enum TLSFailureDescription {
    /// `Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at /…/handshake.cc:320`
    /// becomes `CERTIFICATE_VERIFY_FAILED`.
    static func of(_ error: any Error) -> String {
        let boringSSLEntry = /Error: \d+ error:[0-9A-Fa-f]+:[^:\]]*:[^:\]]*:([^:\] ]+) at [^\]\s]+:\d+/
        return "TLS handshake failed: " + "\(error)".replacing(boringSSLEntry) { String($0.output.1) }
    }
}
