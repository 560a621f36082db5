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

extension KeyVaultError {
    /// The object does not exist for the caller to read: 404, or its only or latest version is disabled
    /// (Key Vault answers 403 with `SecretDisabled`, `KeyDisabled`, `CertificateDisabled`).
    var isMissingObject: Bool {
        guard kind == .service else { return false }
        if status == 404 { return true }
        return status == 403 && [code, innerCode].contains { $0?.hasSuffix("Disabled") == true }
    }
}
