import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The HTTP liveness endpoint (`--healthz-port`, `--healthz-path`): `GET <path>` runs a real health check
/// over the provider's socket and answers 200 `ok`, or 503 with the reason. Other paths answer 404.
/// Bound at start-up, so a port already in use is a start-up error rather than a silent probe failure.
public final class HealthzServer: Sendable {
    private let channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let path: String
    private let probe: HealthProbe
    private let logger: Logger
    private let openConnections = Mutex(0)

    /// The port is open to the node's network: a client gets this long to send its request, and at most
    /// this many connections are served at once; kubelet's probes need one.
    static let requestTimeout: Duration = .seconds(10)
    static let maximumConnections = 32

    /// The port actually bound (useful when asked for port 0).
    public let port: Int

    public init(host: String, port: Int, path: String, probe: HealthProbe, logger: Logger) async throws {
        self.channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
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
                    let admitted = openConnections.withLock { count in
                        guard count < Self.maximumConnections else { return false }
                        count += 1
                        return true
                    }
                    guard admitted else {
                        connection.channel.close(promise: nil)
                        continue
                    }
                    group.addTask {
                        await self.serveWithTimeout(connection)
                        self.openConnections.withLock { $0 -= 1 }
                    }
                }
            }
        }
    }

    public func close() {
        channel.channel.close(promise: nil)
    }

    /// Closes the connection when the client is too slow, so idle clients cannot pile up.
    private func serveWithTimeout(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.serve(connection) }
            group.addTask {
                try? await Task.sleep(for: Self.requestTimeout + self.probe.timeout)
                connection.channel.close(promise: nil)
            }
            await group.next()
            group.cancelAll()
        }
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
                        try await outbound.write(
                            .head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
                        if method != .HEAD {
                            try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body))))
                        }
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
