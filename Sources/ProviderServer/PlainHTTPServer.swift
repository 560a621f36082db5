import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A small HTTP/1.1 server for the node-facing endpoints (`/healthz`, `/metrics`): one request per connection,
/// answered by `respond`. Bound at start-up, so a port already in use is a start-up error rather than a silent
/// probe or scrape failure.
public final class PlainHTTPServer: Sendable {
    /// What a request gets.
    public struct Answer: Sendable {
        public var status: HTTPResponseStatus
        public var contentType = "text/plain; charset=utf-8"
        public var body: [UInt8]

        public init(_ status: HTTPResponseStatus, _ text: String) {
            self.status = status
            self.body = Array(text.utf8)
        }

        public init(_ status: HTTPResponseStatus, contentType: String, body: [UInt8]) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }
    }

    /// Answers a method and a path (without the query).
    public typealias Responder = @Sendable (HTTPMethod, String) async -> Answer

    private let channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let respond: Responder
    private let requestTimeout: Duration
    private let logger: Logger
    private let openConnections = Mutex(0)

    /// The port is open to the node's network: at most this many connections are served at once; kubelet's
    /// probes and a scraper need a few.
    static let maximumConnections = 32

    /// The port actually bound (useful when asked for port 0).
    public let port: Int

    /// - Parameter requestTimeout: how long a client may take to send its request and get the answer.
    public init(host: String, port: Int, requestTimeout: Duration, logger: Logger, respond: @escaping Responder)
        async throws
    {
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
        self.respond = respond
        self.requestTimeout = requestTimeout
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
                        // Closed through the async channel itself: dropping a wrapped channel without finishing
                        // its writer traps in NIO (a crash any client could cause with 33 idle connections).
                        group.addTask { try? await connection.executeThenClose { _, _ in } }
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
                try? await Task.sleep(for: self.requestTimeout)
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
                        let answer = await respond(method, requestPath ?? "")
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: answer.contentType)
                        headers.add(name: "Content-Length", value: "\(answer.body.count)")
                        headers.add(name: "Connection", value: "close")
                        try await outbound.write(
                            .head(HTTPResponseHead(version: .http1_1, status: answer.status, headers: headers)))
                        if method != .HEAD {
                            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: answer.body))))
                        }
                        try await outbound.write(.end(nil))
                        return
                    }
                }
            }
        } catch {
            logger.debug("HTTP connection ended with an error", metadata: ["error": "\(error)"])
        }
    }
}
