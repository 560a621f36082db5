/// `objectType`: which Key Vault collection an object lives in.
public enum ObjectType: String, Sendable, CaseIterable {
    case secret
    case key
    case cert
}

/// `objectFormat`: how a certificate-backed secret is written (`pem` converts a PFX; `pfx` keeps it).
public enum ObjectFormat: String, Sendable, CaseIterable {
    case pem
    case pfx
}

/// `objectEncoding`: how a secret's value is decoded before it is written.
public enum ObjectEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case base64
    case hex
}
