import AzureAuth
import KeyVaultClient
import MountPipeline
import TestSupport
import Testing

/// Each way a Key Vault read can fail, and the kind of mount error (and so the gRPC status) it becomes.
@Suite struct MountErrorMappingTests {
    static func service(_ status: Int) -> KeyVaultError {
        KeyVaultError(kind: .service, status: status, code: "Code\(status)", message: "status \(status) from the vault")
    }

    static func auth(_ kind: AuthError.Kind, status: Int? = nil, deadline: Bool = false) -> KeyVaultError {
        let cause = AuthError(
            kind: kind, mode: .servicePrincipal, status: status, isDeadlineExceeded: deadline, description: "no token")
        return KeyVaultError(
            kind: .authentication, message: cause.description, authError: cause, isDeadlineExceeded: deadline)
    }

    static let cases: [(String, KeyVaultError, MountError.Kind)] = [
        ("400", service(400), .invalidArgument),
        ("401", service(401), .unauthenticated),
        ("403", service(403), .permissionDenied),
        ("404", service(404), .notFound),
        ("408", service(408), .unavailable),
        ("429 after retries", service(429), .resourceExhausted),
        ("500", service(500), .unavailable),
        ("503", service(503), .unavailable),
        ("another status", service(418), .internalError),
        ("transport", KeyVaultError(kind: .transport, message: "connection refused"), .unavailable),
        (
            "TLS", KeyVaultError(kind: .transport, message: "TLS handshake failed: certificate verify failed"),
            .unavailable
        ),
        (
            "deadline", KeyVaultError(kind: .transport, message: "deadline exceeded", isDeadlineExceeded: true),
            .deadlineExceeded
        ),
        (
            "malformed answer", KeyVaultError(kind: .malformedResponse, message: "missing field \"value\""),
            .internalError
        ),
        (
            "foreign nextLink", KeyVaultError(kind: .invalidNextLink, message: "nextLink points outside the vault"),
            .internalError
        ),
        (
            "foreign challenge", KeyVaultError(kind: .challengeRejected, message: "challenge resource mismatch"),
            .internalError
        ),
        ("invalid request", KeyVaultError(kind: .invalidRequest, message: "invalid keyvaultName"), .invalidArgument),
        ("token refused", auth(.rejected, status: 400), .unauthenticated),
        ("token throttled", auth(.rejected, status: 429), .resourceExhausted),
        ("identity service down", auth(.rejected, status: 503), .unavailable),
        ("identity service unreachable", auth(.transport), .unavailable),
        ("identity answer unreadable", auth(.malformedResponse), .internalError),
        ("identity misconfigured", auth(.invalidConfiguration), .invalidArgument),
        ("token out of time", auth(.transport, deadline: true), .deadlineExceeded),
    ]

    @Test(arguments: cases)
    func aFailedReadBecomesItsKind(name: String, failure: KeyVaultError, kind: MountError.Kind) async throws {
        let vault = InMemoryVault()
        vault.fail(.secret, "s", with: failure)
        let error = await #expect(throws: MountError.self) {
            try await MountFlow.mounter(vault).mount(
                MountFlow.input(objects: objectsYAML("objectName: s\nobjectType: secret")))
        }
        #expect(
            error
                == MountError(kind, "failed to get objectType:secret, objectName:s, objectVersion:: \(failure.reason)"))
    }
}
