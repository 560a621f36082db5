import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// The DNS names a TLS server's certificate carries, read from a verified handshake. AKS names the cluster in
/// its API server certificate (`hcp-kubernetes.<id>.svc.cluster.local`); identity binding derives the token
/// proxy's TLS server name from that id. AsyncHTTPClient never shows the peer certificate, so this opens one
/// connection itself, verifies it like any other (the given roots, the host's name) and closes it.
public enum ServerCertificateNames {
    /// The leaf certificate's DNS subject alternative names. The connection is closed before returning.
    public static func dnsNames(
        host: String, port: Int, trustPEM: [UInt8], deadline: ContinuousClock.Instant
    ) async throws(AzureHTTPError) -> [String] {
        let target = "TLS \(host):\(port)"
        func failure(_ kind: AzureHTTPError.Kind, _ detail: String) -> AzureHTTPError {
            AzureHTTPError(kind: kind, target: target, detail: detail, attempts: 1)
        }
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { throw failure(.deadlineExceeded, "deadline exceeded") }
        let context: NIOSSLContext
        do throws(HTTPClientConfigurationError) {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try TrustRoots.certificates(inPEM: trustPEM))
            tls.minimumTLSVersion = .tlsv12
            tls.certificateVerification = .fullVerification
            do {
                context = try NIOSSLContext(configuration: tls)
            } catch {
                throw HTTPClientConfigurationError(description: "\(error)")
            }
        } catch {
            throw failure(.tls, error.description)
        }
        // SNI and name verification use the host unless it is an address (then only the address is checked).
        let serverHostname = IPAddress(host) == nil ? host : nil
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let handshake = eventLoop.makePromise(of: Void.self)
        // A silent server must not hold the caller past its deadline (failing a completed promise is a no-op).
        let timeout = eventLoop.scheduleTask(deadline: .now() + remaining.timeAmount) {
            handshake.fail(ChannelError.connectTimeout(remaining.timeAmount))
        }
        defer {
            timeout.cancel()
            // Completes the promise on every path (a failed connect never reaches the watcher).
            handshake.fail(ChannelError.alreadyClosed)
        }
        do {
            let channel = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(remaining.timeAmount)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: context, serverHostname: serverHostname))
                        try channel.pipeline.syncOperations.addHandler(HandshakeWatcher(handshake))
                    }
                }
                .connect(host: host, port: port).get()
            defer { channel.close(promise: nil) }
            try await handshake.futureResult.get()
            guard let leaf = try await channel.nioSSL_peerCertificate().get() else {
                throw failure(.tls, "the server presented no certificate")
            }
            return leaf._subjectAlternativeNames().compactMap { name in
                guard name.nameType == .dnsName else { return nil }
                return name.contents.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
            }
        } catch let error as AzureHTTPError {
            throw error
        } catch let error as ChannelError {
            if case .connectTimeout = error { throw failure(.deadlineExceeded, "deadline exceeded") }
            throw failure(.connection, "\(error)")
        } catch  where error is NIOSSLError || error is BoringSSLError {
            throw failure(.tls, TLSFailureDescription.of(error))
        } catch {
            throw failure(.connection, "\(error)")
        }
    }
}

/// Completes once the TLS handshake has, or fails with the first error or the connection's end.
private final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private let promise: EventLoopPromise<Void>

    init(_ promise: EventLoopPromise<Void>) { self.promise = promise }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event { promise.succeed(()) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ChannelError.eof)
        context.fireChannelInactive()
    }
}
