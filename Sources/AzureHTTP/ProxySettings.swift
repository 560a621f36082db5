import Foundation

/// The proxy environment read once at start-up, with Go's `golang.org/x/net/http/httpproxy` semantics so
/// deployments of the Go provider behave the same:
/// - upper-case names win over lower-case ones;
/// - HTTPS destinations use only `HTTPS_PROXY`, HTTP destinations only `HTTP_PROXY`;
/// - a proxy value without a scheme means `http://`;
/// - `NO_PROXY` is a comma list of `*`, IP addresses, CIDR blocks, host names (which also match their
///   sub-domains), `.suffix` (sub-domains only; `*.suffix` is the same), each optionally with `:port`;
/// - `localhost` and loopback addresses are never proxied.
public struct ProxySettings: Sendable, Equatable {
    public var httpsProxy: ProxyEndpoint?
    public var httpProxy: ProxyEndpoint?
    public var noProxy: NoProxyList

    public init(
        httpsProxy: ProxyEndpoint? = nil, httpProxy: ProxyEndpoint? = nil, noProxy: NoProxyList = NoProxyList("")
    ) {
        self.httpsProxy = httpsProxy
        self.httpProxy = httpProxy
        self.noProxy = noProxy
    }

    /// Reads `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` and their lower-case forms.
    public init(environment: [String: String]) throws(HTTPClientConfigurationError) {
        func value(_ name: String) -> String? {
            for key in [name.uppercased(), name.lowercased()] {
                if let value = environment[key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { return value }
            }
            return nil
        }
        self.init(
            httpsProxy: try value("HTTPS_PROXY").map { v throws(HTTPClientConfigurationError) in
                try Self.parseProxy(v, variable: "HTTPS_PROXY")
            },
            httpProxy: try value("HTTP_PROXY").map { v throws(HTTPClientConfigurationError) in
                try Self.parseProxy(v, variable: "HTTP_PROXY")
            },
            noProxy: NoProxyList(value("NO_PROXY") ?? ""))
    }

    /// The proxy to use for one destination, or `nil` to connect directly.
    public func proxy(scheme: String, host: String, port: Int) -> ProxyEndpoint? {
        let candidate = scheme.lowercased() == "https" ? httpsProxy : httpProxy
        guard let candidate else { return nil }
        return noProxy.bypasses(host: host, port: port) ? nil : candidate
    }

    static func parseProxy(_ raw: String, variable: String) throws(HTTPClientConfigurationError) -> ProxyEndpoint {
        let text = raw.contains("://") ? raw : "http://" + raw
        // The error never repeats the value: it may carry a proxy password.
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw HTTPClientConfigurationError(description: "\(variable) is not a valid proxy URL")
        }
        let kind: ProxyEndpoint.Kind
        let defaultPort: Int
        switch components.scheme?.lowercased() {
        case "http": (kind, defaultPort) = (.http, 80)
        case "socks5", "socks5h": (kind, defaultPort) = (.socks5, 1080)
        case "https":
            throw HTTPClientConfigurationError(
                description:
                    "\(variable): TLS to the proxy itself (https://) is not supported; use an http:// proxy URL")
        default:
            throw HTTPClientConfigurationError(
                description: "\(variable): unsupported proxy scheme \(components.scheme ?? "")")
        }
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return ProxyEndpoint(
            kind: kind, host: bareHost, port: components.port ?? defaultPort,
            username: components.percentEncodedUser.flatMap { $0.removingPercentEncoding },
            password: components.percentEncodedPassword.flatMap { $0.removingPercentEncoding })
    }
}
