import Foundation

/// One request to an Azure endpoint. Headers may carry a bearer token: `description` shows neither
/// headers nor body.
public struct AzureHTTPRequest: Sendable, CustomStringConvertible {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
    }

    public var method: Method
    /// Absolute `http(s)://` URL.
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?

    public init(method: Method = .get, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil)
    {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    public var description: String { "\(method.rawValue) \(redactedURL)" }

    /// Scheme, host and path only: query strings (skip tokens, resource names) stay out of logs.
    public var redactedURL: String {
        guard let components = URLComponents(string: url) else { return "<invalid url>" }
        var safe = URLComponents()
        safe.scheme = components.scheme
        safe.host = components.host
        safe.port = components.port
        safe.percentEncodedPath = components.percentEncodedPath
        return safe.string ?? "<invalid url>"
    }
}
