import NIOHTTP1

/// `GET /metrics` (`--prometheus-port`): the Prometheus text exposition that `render` produces. Other paths
/// answer 404.
public struct MetricsEndpoint: Sendable {
    public static let path = "/metrics"
    let render: @Sendable () -> [UInt8]

    public init(render: @escaping @Sendable () -> [UInt8]) {
        self.render = render
    }

    func answer(method: HTTPMethod, path: String) -> PlainHTTPServer.Answer {
        guard path == Self.path else { return .init(.notFound, "not found\n") }
        guard method == .GET || method == .HEAD else { return .init(.methodNotAllowed, "method not allowed\n") }
        return .init(.ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: render())
    }
}
