/// A proxy server taken from `HTTPS_PROXY` / `HTTP_PROXY`.
public struct ProxyEndpoint: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Plain-HTTP proxy: `CONNECT` for HTTPS destinations, absolute-URI requests for HTTP ones.
        case http
        /// SOCKSv5 (`socks5://`), which Go's `http.ProxyFromEnvironment` also accepts.
        case socks5
    }

    public var kind: Kind
    public var host: String
    public var port: Int
    /// `user:password` from the URL, sent as `Proxy-Authorization: Basic`. Never printed.
    public var username: String?
    public var password: String?

    /// Host and port only: the credentials in the proxy URL stay out of logs.
    public var description: String {
        "\(kind == .socks5 ? "socks5" : "http")://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}
