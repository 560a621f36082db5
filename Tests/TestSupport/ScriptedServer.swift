import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A loopback HTTP/1.1 server that answers requests from a script, in order, and records them.
public final class ScriptedServer: Sendable {
    public struct Request: Sendable {
        public var method: String
        public var uri: String
        public var headers: [(name: String, value: String)]
        public var body: String

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    public enum Reply: Sendable {
        case respond(status: Int, headers: [(String, String)] = [], body: String = "")
        /// Close the connection without answering.
        case hangUp
        /// Keep the connection open and never answer.
        case silence
    }

    /// Builds a reply; gets the request and the server's port (for absolute links).
    public typealias Responder = @Sendable (Request, Int) -> Reply

    private let channel: any Channel
    public let port: Int
    private let state: Mutex<(requests: [Request], replies: [Responder])>

    public var requests: [Request] { state.withLock { $0.requests } }

    private init(channel: any Channel, port: Int, replies: [Responder]) {
        self.channel = channel
        self.port = port
        self.state = Mutex((requests: [], replies: replies))
    }

    /// Replies are used in order; the last one repeats. With `tls`, the server speaks HTTPS.
    public static func start(_ replies: [Responder], tls: NIOSSLContext? = nil) async throws -> ScriptedServer {
        let box = Mutex<ScriptedServer?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(server: { box.withLock { $0! } }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = ScriptedServer(channel: channel, port: channel.localAddress!.port!, replies: replies)
        box.withLock { $0 = server }
        return server
    }

    public static func start(_ replies: Reply...) async throws -> ScriptedServer {
        try await start(replies.map { reply in { _, _ in reply } })
    }

    public func stop() async {
        try? await channel.close()
    }

    fileprivate func answer(_ request: Request) -> Reply {
        let responder = state.withLock { state -> Responder in
            let index = min(state.requests.count, state.replies.count - 1)
            state.requests.append(request)
            return state.replies[index]
        }
        return responder(request, port)
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let server: () -> ScriptedServer
        private var head: HTTPRequestHead?
        private var body = ""

        init(server: @escaping () -> ScriptedServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = ""
            case .body(var buffer):
                body += buffer.readString(length: buffer.readableBytes) ?? ""
            case .end:
                guard let head else { return }
                let request = Request(
                    method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                    body: body)
                switch server().answer(request) {
                case .hangUp:
                    context.close(promise: nil)
                case .silence:
                    break
                case .respond(let status, let headers, let text):
                    var responseHeaders = HTTPHeaders(headers)
                    responseHeaders.replaceOrAdd(name: "Content-Length", value: "\(text.utf8.count)")
                    let responseHead = HTTPResponseHead(
                        version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
                    context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                }
            }
        }
    }
}
