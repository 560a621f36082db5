/// GET /secrets/{name}/{version}. `value` is the secret: never log it. `kid` is set on a certificate's
/// backing secret, whose `contentType` is `application/x-pkcs12` or `application/x-pem-file`.
public struct SecretBundle: Sendable, Equatable, Decodable, CustomStringConvertible {
    public var value: String
    public var id: String
    public var contentType: String?
    public var kid: String?
    public var managed: Bool?
    public var attributes: ObjectAttributes?

    public init(
        value: String, id: String, contentType: String? = nil, kid: String? = nil, managed: Bool? = nil,
        attributes: ObjectAttributes? = nil
    ) {
        self.value = value
        self.id = id
        self.contentType = contentType
        self.kid = kid
        self.managed = managed
        self.attributes = attributes
    }

    public var description: String { "SecretBundle(id: \(id), contentType: \(contentType ?? "nil"))" }
}
