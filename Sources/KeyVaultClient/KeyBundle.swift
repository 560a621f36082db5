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

    public init(
        kid: String, kty: String, crv: String? = nil, n: String? = nil, e: String? = nil, x: String? = nil,
        y: String? = nil, keyOps: [String]? = nil
    ) {
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
