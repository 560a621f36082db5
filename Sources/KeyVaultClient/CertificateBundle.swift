/// GET /certificates/{name}/{version}. `cer` is the DER leaf certificate in standard base64.
public struct CertificateBundle: Sendable, Equatable, Decodable {
    public var id: String
    public var cer: String
    public var kid: String?
    public var sid: String?
    public var x5t: String?
    public var contentType: String?
    public var attributes: ObjectAttributes?

    public init(
        id: String, cer: String, kid: String? = nil, sid: String? = nil, x5t: String? = nil, contentType: String? = nil,
        attributes: ObjectAttributes? = nil
    ) {
        self.id = id
        self.cer = cer
        self.kid = kid
        self.sid = sid
        self.x5t = x5t
        self.contentType = contentType
        self.attributes = attributes
    }
}
