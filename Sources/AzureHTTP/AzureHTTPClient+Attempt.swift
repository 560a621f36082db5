import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// One attempt of a request: where it goes, the race against its time limit, and what its failure means.
extension AzureHTTPClient {
    /// The limits of one attempt and the words for its failures.
    struct Attempt {
        let target: String
        let number: Int
        /// The caller's deadline, for all attempts.
        let deadline: ContinuousClock.Instant
        /// This attempt's: the caller's deadline or the per-request timeout, whichever comes first.
        let attemptDeadline: ContinuousClock.Instant
        let requestTimeout: Duration

        func failure(_ kind: AzureHTTPError.Kind, _ detail: String) -> AzureHTTPError {
            AzureHTTPError(kind: kind, target: target, detail: detail, attempts: number)
        }

        /// Whichever of the two limits bounds this attempt is the one that ran out when its timer fires.
        func expired() -> AzureHTTPError {
            attemptDeadline == deadline
                ? failure(.deadlineExceeded, "deadline exceeded")
                : failure(.timedOut, "timed out after \(requestTimeout)")
        }

        /// AsyncHTTPClient's own connect/read timers: the caller's deadline only if it has passed too.
        func libraryTimeout(_ what: String) -> AzureHTTPError {
            ContinuousClock.now >= deadline ? failure(.deadlineExceeded, "deadline exceeded") : failure(.timedOut, what)
        }
    }

    /// Where a request goes: the URL's host and port, the proxy chosen for it, and the pooled client.
    struct Route {
        let host: String
        let port: Int
        /// Plain HTTP behind an HTTP proxy: sent through `ForwardProxyExchange`, not a pooled client.
        let forwardProxy: ProxyEndpoint?
        let client: HTTPClient
    }

    /// One attempt, bounded by the per-request timeout and the deadline, body included.
    func perform(
        _ request: AzureHTTPRequest, target: String, deadline: ContinuousClock.Instant, attempt number: Int
    ) async throws(AzureHTTPError) -> AzureHTTPResponse {
        let attempt = Attempt(
            target: target, number: number, deadline: deadline,
            attemptDeadline: min(deadline, ContinuousClock.now + settings.requestTimeout),
            requestTimeout: settings.requestTimeout)
        let route = try route(for: request, attempt: attempt)
        guard ContinuousClock.now < attempt.attemptDeadline else {
            throw attempt.failure(.deadlineExceeded, "deadline exceeded")
        }
        do {
            return try await race(request, route: route, attempt: attempt)
        } catch {
            throw classify(error, attempt: attempt)
        }
    }

    private func route(for request: AzureHTTPRequest, attempt: Attempt) throws(AzureHTTPError) -> Route {
        guard let components = URLComponents(string: request.url), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
        else { throw attempt.failure(.invalidURL, "invalid URL") }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        let proxy = proxies.proxy(scheme: scheme, host: host, port: port)
        return Route(
            host: host, port: port, forwardProxy: scheme == "http" && proxy?.kind == .http ? proxy : nil,
            client: proxy.flatMap { proxied[$0] } ?? direct)
    }

    /// AsyncHTTPClient's deadline stops at the response head; racing a timer bounds the body too.
    private func race(_ request: AzureHTTPRequest, route: Route, attempt: Attempt) async throws -> AzureHTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        outgoing.headers.add(name: "User-Agent", value: settings.userAgent)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let prepared = outgoing
        let nioDeadline = NIODeadline.now() + (attempt.attemptDeadline - ContinuousClock.now).timeAmount
        let limit = settings.maxResponseBytes
        return try await withThrowingTaskGroup(of: AzureHTTPResponse?.self) { group in
            group.addTask {
                if let proxy = route.forwardProxy {
                    return try await ForwardProxyExchange.send(
                        request, host: route.host, port: route.port, userAgent: self.settings.userAgent, proxy: proxy,
                        connectTimeout: self.settings.connectTimeout, maxBodyBytes: limit)
                }
                let response = try await route.client.execute(
                    prepared, deadline: nioDeadline, logger: self.libraryLogger)
                let body = try await response.body.collect(upTo: limit)
                return AzureHTTPResponse(
                    status: Int(response.status.code),
                    headers: response.headers.map { (name: $0.name, value: $0.value) },
                    body: Array(buffer: body))
            }
            group.addTask {
                try await Task.sleep(until: attempt.attemptDeadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else { throw attempt.expired() }
            return response
        }
    }

    /// What a failed attempt means: out of time, too large, TLS, cancelled, or a connection failure.
    private func classify(_ error: any Error, attempt: Attempt) -> AzureHTTPError {
        switch error {
        case let error as AzureHTTPError:
            return error
        case is NIOTooManyBytesError, is ForwardProxyExchange.ResponseTooLarge:
            return attempt.failure(.responseTooLarge, "response body larger than \(settings.maxResponseBytes) bytes")
        case let error as HTTPClientError:
            switch error {
            case .deadlineExceeded:
                return attempt.expired()
            case .connectTimeout:
                return attempt.libraryTimeout("connect timed out after \(settings.connectTimeout)")
            case .readTimeout, .writeTimeout:
                return attempt.libraryTimeout("timed out after \(settings.requestTimeout)")
            case .cancelled where Task.isCancelled:
                return attempt.failure(.cancelled, "cancelled")
            case .proxyAuthenticationRequired:
                return attempt.failure(.proxyRefused, "the proxy refused the credentials of HTTPS_PROXY (407)")
            default:
                return attempt.failure(.connection, "\(error)")
            }
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            return attempt.failure(.tls, TLSFailureDescription.of(error))
        case is CancellationError:
            return Task.isCancelled ? attempt.failure(.cancelled, "cancelled") : attempt.expired()
        default:
            return attempt.failure(.connection, "\(error)")
        }
    }
}
