import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A plain-HTTP request through an HTTP proxy in absolute form (`GET http://169.254.169.254/... HTTP/1.1`),
/// as Go and curl send it. AsyncHTTPClient would tunnel with `CONNECT host:80` instead, which proxies
/// commonly refuse for ports other than 443. Only IMDS takes this path (NMI is on loopback, never proxied),
/// at most once per token, so one connection per request is enough.
enum ForwardProxyExchange {
    struct ResponseTooLarge: Error {}
    struct ConnectionClosedEarly: Error, CustomStringConvertible {
        var description: String { "the proxy closed the connection before a complete response" }
    }

    static func send(
        _ request: AzureHTTPRequest, host: String, port: Int, userAgent: String, proxy: ProxyEndpoint,
        connectTimeout: Duration, maxBodyBytes: Int
    ) async throws -> AzureHTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: port == 80 ? host : "\(host):\(port)")
        headers.add(name: "User-Agent", value: userAgent)
        if let username = proxy.username {
            let credentials = Data("\(username):\(proxy.password ?? "")".utf8).base64EncodedString()
            headers.add(name: "Proxy-Authorization", value: "Basic \(credentials)")
        }
        for header in request.headers { headers.add(name: header.name, value: header.value) }
        if let body = request.body { headers.add(name: "Content-Length", value: "\(body.count)") }
        headers.add(name: "Connection", value: "close")
        let head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: request.method.rawValue), uri: request.url, headers: headers
        )

        let channel = try await ClientBootstrap(group: HTTPClient.defaultEventLoopGroup)
            .connectTimeout(connectTimeout.timeAmount)
            .connect(host: proxy.host, port: proxy.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(.head(head))
            if let body = request.body { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            try await outbound.write(.end(nil))
            var response = AzureHTTPResponse(status: 0)
            for try await part in inbound {
                switch part {
                case .head(let responseHead):
                    response.status = Int(responseHead.status.code)
                    response.headers = responseHead.headers.map { (name: $0.name, value: $0.value) }
                case .body(let buffer):
                    guard response.body.count + buffer.readableBytes <= maxBodyBytes else { throw ResponseTooLarge() }
                    response.body += buffer.readableBytesView
                case .end:
                    return response
                }
            }
            throw ConnectionClosedEarly()
        }
    }
}
