import Logging
import NIOHTTP1

/// The liveness endpoint (`--healthz-port`, `--healthz-path`): `GET <path>` runs a real health check over the
/// provider's socket and answers 200 `ok`, or 503 with the reason. Other paths answer 404.
struct HealthzEndpoint: Sendable {
    let path: String
    let probe: HealthProbe
    let logger: Logger

    func answer(method: HTTPMethod, path requestPath: String) async -> PlainHTTPServer.Answer {
        guard requestPath == path else { return .init(.notFound, "not found\n") }
        guard method == .GET || method == .HEAD else { return .init(.methodNotAllowed, "method not allowed\n") }
        if let reason = await probe.failureReason() {
            logger.warning("healthz check failed", metadata: ["reason": "\(reason)"])
            return .init(.serviceUnavailable, reason + "\n")
        }
        return .init(.ok, "ok")
    }
}
