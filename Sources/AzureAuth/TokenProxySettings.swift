import Foundation

/// Where identity binding's token requests go (`serve` and `mount` flags). Read once at start-up.
public struct TokenProxySettings: Sendable, Equatable {
    /// The Go provider's default: the API server's in-cluster name, where AKS serves the token proxy.
    public static let defaultURL = "https://kubernetes.default.svc.cluster.local"
    /// The service-account CA every pod gets; it signs the API server's (and so the proxy's) certificate.
    public static let defaultCAFile = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"

    /// `--token-proxy-url`: an `https` URL without user, query or fragment; its path prefixes the token path.
    public var url: String
    /// `--sni-name`: the TLS server name sent to the proxy; nil = computed from the API server's certificate.
    public var sniName: String?
    /// `--token-proxy-ca-file`: the only roots trusted for the proxy; read again before every token request.
    public var caFile: String
    /// The port the server certificate is read from when the URL names none: the Go provider reads
    /// `KUBERNETES_SERVICE_PORT` (default 443).
    public var kubernetesServicePort: Int

    public init(
        url: String = defaultURL, sniName: String? = nil, caFile: String = defaultCAFile,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.url = url
        self.sniName = sniName.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        self.caFile = caFile
        self.kubernetesServicePort = environment["KUBERNETES_SERVICE_PORT"].flatMap(Int.init) ?? 443
    }

    /// The URL's parts, or why it cannot be used (checked as azidentity checks `AZURE_KUBERNETES_TOKEN_PROXY`).
    public func endpoint() throws(AuthError) -> TokenProxyEndpoint {
        func invalid(_ why: String) -> AuthError {
            AuthError(
                kind: .invalidConfiguration, mode: .identityBinding,
                description: "IdentityBindingCredential: --token-proxy-url \"\(url)\" \(why)")
        }
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw invalid("is not a URL")
        }
        guard components.scheme?.lowercased() == "https" else { throw invalid("must use https") }
        guard components.user == nil && components.password == nil else { throw invalid("must not hold user info") }
        guard components.query == nil else { throw invalid("must not hold a query") }
        guard components.fragment == nil else { throw invalid("must not hold a fragment") }
        let path = components.percentEncodedPath
        return TokenProxyEndpoint(
            host: host, port: components.port, path: path.hasSuffix("/") ? path : path + "/",
            certificatePort: components.port ?? kubernetesServicePort)
    }
}

/// The proxy's address, and where its certificate (the API server's) is read for the computed server name.
public struct TokenProxyEndpoint: Sendable, Equatable {
    public var host: String
    /// nil = 443 for requests.
    public var port: Int?
    /// Ends with `/`; the Entra ID path (`<tenant>/oauth2/v2.0/token`) follows it, as azidentity joins them.
    public var path: String
    public var certificatePort: Int

    /// The token endpoint as sent: the TLS server name as host (so that SNI and certificate verification use
    /// it) while the connection goes to `host` (see `TokenProxyTransport`).
    func tokenURL(serverName: String, tenantPath: String) -> String {
        "https://\(serverName)\(port.map { ":\($0)" } ?? "")\(path)\(tenantPath)"
    }
}
