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

    public init(
        enabled: Bool? = nil, created: Int64? = nil, updated: Int64? = nil, notBefore: Int64? = nil,
        expires: Int64? = nil
    ) {
        self.enabled = enabled
        self.created = created
        self.updated = updated
        self.notBefore = notBefore
        self.expires = expires
    }
}
