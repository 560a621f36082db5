/// A complete response: status, headers, and a body already read (and bounded). The body may hold a
/// secret or a token: `description` shows only the status and the size.
public struct AzureHTTPResponse: Sendable, CustomStringConvertible {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// First value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    public var description: String { "AzureHTTPResponse(status: \(status), \(body.count) bytes)" }
}
