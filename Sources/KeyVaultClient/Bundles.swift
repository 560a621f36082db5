import Foundation

/// `attributes` of every Key Vault object. Times are Unix seconds (integers on the wire).
public struct ObjectAttributes: Sendable, Equatable, Decodable {
    public var enabled: Bool?
    public var created: Int64?
    public var updated: Int64?
    public var notBefore: Int64?
    public var expires: Int64?

    enum CodingKeys: String, CodingKey {
        case enabled, created, updated
        case notBefore = "nbf"
        case expires = "exp"
    }

    public init(enabled: Bool? = nil, created: Int64? = nil, updated: Int64? = nil, notBefore: Int64? = nil, expires: Int64? = nil) {
        self.enabled = enabled
        self.created = created
        self.updated = updated
        self.notBefore = notBefore
        self.expires = expires
    }
}

/// GET /secrets/{name}/{version}. `value` is the secret: never log it. `kid` is set on a certificate's
/// backing secret, whose `contentType` is `application/x-pkcs12` or `application/x-pem-file`.
public struct SecretBundle: Sendable, Equatable, Decodable, CustomStringConvertible {
    public var value: String
    public var id: String
    public var contentType: String?
    public var kid: String?
    public var managed: Bool?
    public var attributes: ObjectAttributes?

    public init(value: String, id: String, contentType: String? = nil, kid: String? = nil, managed: Bool? = nil, attributes: ObjectAttributes? = nil) {
        self.value = value
        self.id = id
        self.contentType = contentType
        self.kid = kid
        self.managed = managed
        self.attributes = attributes
    }

    public var description: String { "SecretBundle(id: \(id), contentType: \(contentType ?? "nil"))" }
}

/// A JSON Web Key as Key Vault returns it: public parts only. `n`, `e`, `x`, `y` are unpadded base64url.
public struct JSONWebKey: Sendable, Equatable, Decodable {
    public var kid: String
    public var kty: String
    public var crv: String?
    public var n: String?
    public var e: String?
    public var x: String?
    public var y: String?
    public var keyOps: [String]?

    enum CodingKeys: String, CodingKey {
        case kid, kty, crv, n, e, x, y
        case keyOps = "key_ops"
    }

    public init(kid: String, kty: String, crv: String? = nil, n: String? = nil, e: String? = nil, x: String? = nil, y: String? = nil, keyOps: [String]? = nil) {
        self.kid = kid
        self.kty = kty
        self.crv = crv
        self.n = n
        self.e = e
        self.x = x
        self.y = y
        self.keyOps = keyOps
    }
}

/// GET /keys/{name}/{version}.
public struct KeyBundle: Sendable, Equatable, Decodable {
    public var key: JSONWebKey
    public var attributes: ObjectAttributes?
    public var managed: Bool?

    public init(key: JSONWebKey, attributes: ObjectAttributes? = nil, managed: Bool? = nil) {
        self.key = key
        self.attributes = attributes
        self.managed = managed
    }
}

/// GET /certificates/{name}/{version}. `cer` is the DER leaf certificate in standard base64.
public struct CertificateBundle: Sendable, Equatable, Decodable {
    public var id: String
    public var cer: String
    public var kid: String?
    public var sid: String?
    public var x5t: String?
    public var contentType: String?
    public var attributes: ObjectAttributes?

    public init(id: String, cer: String, kid: String? = nil, sid: String? = nil, x5t: String? = nil, contentType: String? = nil, attributes: ObjectAttributes? = nil) {
        self.id = id
        self.cer = cer
        self.kid = kid
        self.sid = sid
        self.x5t = x5t
        self.contentType = contentType
        self.attributes = attributes
    }
}
