import KeyVaultClient

extension KeyVaultError {
    /// The `error` label of `keyvault_request`: a short class, never the message (the Go provider puts the whole
    /// error text there, one series per distinct message).
    var metricClass: String {
        switch kind {
        case .service:
            switch status ?? 0 {
            case 400: return "bad_request"
            case 401: return "unauthorized"
            case 403: return "forbidden"
            case 404: return "not_found"
            case 408: return "timeout"
            case 429: return "throttled"
            case 500...599: return "server_error"
            default: return "other"
            }
        case .authentication: return "authentication"
        case .transport: return isDeadlineExceeded ? "timeout" : "network"
        case .cancelled: return "cancelled"
        case .proxyRefused: return "proxy"
        case .malformedResponse, .invalidNextLink, .challengeRejected: return "invalid_response"
        case .invalidRequest: return "bad_request"
        }
    }
}
