import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The HTTP liveness endpoint (`--healthz-port`, `--healthz-path`): `GET <path>` runs a real health check
/// over the provider's socket and answers 200 `ok`, or 503 with the reason. Other paths answer 404.
/// Bound at start-up, so a port already in use is a start-up error rather than a silent probe failure.
public final class HealthzServer: Sendable {
    private let channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let path: String
    private let probe: HealthProbe
    private let logger: Logger

    /// The port actually bound (useful when asked for port 0).
    public let port: Int

    public init(host: String, port: Int, path: String, probe: HealthProbe, logger: Logger) async throws {
        self.channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        self.port = channel.channel.localAddress?.port ?? port
        self.path = path
        self.probe = probe
        self.logger = logger
    }

    /// Serves until `close()`.
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await channel.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask { await self.serve(connection) }
                }
            }
        }
    }

    public func close() {
        channel.channel.close(promise: nil)
    }

    /// One request per connection, then close: probes are rare and short.
    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var requestPath: String?
                var method: HTTPMethod = .GET
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        requestPath = String(head.uri.split(separator: "?", maxSplits: 1).first ?? "")
                        method = head.method
                    case .body:
                        continue
                    case .end:
                        let (status, body) = await answer(method: method, path: requestPath ?? "")
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
                        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
                        headers.add(name: "Connection", value: "close")
                        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body))))
                        try await outbound.write(.end(nil))
                        return
                    }
                }
            }
        } catch {
            logger.debug("healthz connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    private func answer(method: HTTPMethod, path requestPath: String) async -> (HTTPResponseStatus, String) {
        guard requestPath == path else { return (.notFound, "not found\n") }
        guard method == .GET || method == .HEAD else { return (.methodNotAllowed, "method not allowed\n") }
        if let reason = await probe.failureReason() {
            logger.warning("healthz check failed", metadata: ["reason": "\(reason)"])
            return (.serviceUnavailable, reason + "\n")
        }
        return (.ok, "ok")
    }
}
