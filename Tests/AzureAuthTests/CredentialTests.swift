import AzureCloud
import AzureHTTP
import Foundation
import TestSupport
import Testing

@testable import AzureAuth

/// Credentials against a loopback server playing Entra ID (`login.test`), IMDS and NMI.
@Suite struct CredentialTests {
    static let secret = "Zx8Q~client-secret-value-0123456789abcdefgh"
    static let scope = "https://vault.azure.net/.default"

    func environment(port: Int) -> AzureEnvironment {
        AzureEnvironment(
            name: "Test", activeDirectoryEndpoint: "http://login.test:\(port)/",
            keyVaultEndpoint: "https://vault.azure.net/", keyVaultDNSSuffix: "vault.azure.net")
    }

    /// Starts a server with `replies`, runs `body` with a client resolving `names` to it, stops both.
    func withServer(
        _ replies: ScriptedServer.Reply..., names: [String] = [], sleeps: SleepRecorder = SleepRecorder(),
        _ body: (ScriptedServer, AzureHTTPClient) async throws -> Void
    ) async throws {
        let server = try await ScriptedServer.start(replies.map { reply in { _, _ in reply } })
        do {
            try await withTestClient(names: names, sleeps: sleeps) { http in try await body(server, http) }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    func failure(_ fetch: () async throws(AuthError) -> AccessToken) async -> AuthError? {
        do {
            _ = try await fetch()
            return nil
        } catch {
            return error
        }
    }

    @Test func servicePrincipalPostsTheClientSecretGrant() async throws {
        let reply = ScriptedServer.Reply.respond(
            status: 200,
            body: #"{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ0.eyJ1.sig"}"#)
        try await withServer(reply, names: ["login.test"]) { server, http in
            let credential = try ServicePrincipalCredential(
                environment: environment(port: server.port), tenantID: "tenant-1", clientID: "app-1",
                clientSecret: Self.secret, http: http)
            let token = try await credential.fetchToken(scope: Self.scope, deadline: farDeadline)
            #expect(token.token == "eyJ0.eyJ1.sig")
            #expect(abs(token.expiresOn.timeIntervalSinceNow - 3599) < 5)
            let request = try #require(server.requests.first)
            #expect(request.method == "POST" && request.uri == "/tenant-1/oauth2/v2.0/token")
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
            let form = Dictionary(
                uniqueKeysWithValues: request.body.split(separator: "&").map { pair in
                    let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding! }
                    return (parts[0], parts.count > 1 ? parts[1] : "")
                })
            #expect(
                form == [
                    "grant_type": "client_credentials", "client_id": "app-1", "client_secret": Self.secret,
                    "scope": Self.scope,
                ])
        }
    }

    @Test func entraErrorsKeepCodeAndFirstLineButNoSecret() async throws {
        let body =
            #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app 'app-1'.\r\nTrace ID: 1\r\nCorrelation ID: 2\r\nTimestamp: 2023-06-02 21:00:26Z","error_codes":[7000215]}"#
        try await withServer(.respond(status: 401, body: body), names: ["login.test"]) { server, http in
            let credential = try ServicePrincipalCredential(
                environment: environment(port: server.port), tenantID: "tenant-1", clientID: "app-1",
                clientSecret: Self.secret, http: http)
            let error = try #require(
                await failure { () throws(AuthError) in
                    try await credential.fetchToken(scope: Self.scope, deadline: farDeadline)
                })
            #expect(error.status == 401 && error.errorCode == "invalid_client")
            #expect(
                error.description.hasPrefix(
                    "ClientSecretCredential authentication failed: POST http://login.test:\(server.port)/tenant-1/oauth2/v2.0/token: status 401, error: invalid_client, AADSTS7000215: Invalid client secret provided."
                ))
            #expect(!error.description.contains("Trace ID"))
            #expect(!error.description.contains(Self.secret))
            #expect(server.requests.count == 1)
        }
    }

    @Test func workloadIdentitySendsTheAssertionAndIsCappedBySATokenExpiry() async throws {
        try await withServer(
            .respond(status: 200, body: #"{"token_type":"Bearer","expires_in":86399,"access_token":"aad-token"}"#),
            names: ["login.test"]
        ) { server, http in
            let saExpiry = Date().addingTimeInterval(600)
            let jwt = fakeJWT(exp: saExpiry.timeIntervalSince1970.rounded(.down))
            let credential = try WorkloadIdentityCredential(
                environment: environment(port: server.port), tenantID: "t", clientID: "c", serviceAccountToken: jwt,
                http: http)
            let token = try await credential.fetchToken(scope: Self.scope, deadline: farDeadline)
            #expect(abs(token.expiresOn.timeIntervalSince(saExpiry)) < 2)
            let body = try #require(server.requests.first?.body)
            #expect(
                body.contains("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"))
            #expect(body.contains("client_assertion=\(jwt)"))
            #expect(!body.contains("client_secret"))
        }
    }

    @Test func imdsRetries410ThenSucceedsWithUserAssignedIdentity() async throws {
        let sleeps = SleepRecorder()
        try await withServer(
            .respond(status: 410, body: "IMDS is updating"),
            .respond(
                status: 200,
                body:
                    #"{"access_token":"imds-token","client_id":"uami","expires_in":"86399","expires_on":"1900000000","ext_expires_in":"86399","not_before":"1700000000","resource":"https://vault.azure.net","token_type":"Bearer"}"#
            ),
            sleeps: sleeps
        ) { server, http in
            let credential = ManagedIdentityCredential(
                userAssignedClientID: "uami", http: http, endpoint: "http://127.0.0.1:\(server.port)")
            let token = try await credential.fetchToken(scope: Self.scope, deadline: farDeadline)
            #expect(token.token == "imds-token")
            #expect(token.expiresOn == Date(timeIntervalSince1970: 1_900_000_000))
            #expect(sleeps.recorded.count == 1)
            let request = try #require(server.requests.last)
            #expect(
                request.uri
                    == "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net&client_id=uami"
            )
            #expect(request.header("Metadata") == "true")
        }
    }

    @Test func imdsDoesNotRetry400() async throws {
        try await withServer(
            .respond(status: 400, body: #"{"error":"invalid_request","error_description":"Identity not found"}"#)
        ) { server, http in
            let credential = ManagedIdentityCredential(
                userAssignedClientID: nil, http: http, endpoint: "http://127.0.0.1:\(server.port)")
            let error = try #require(
                await failure { () throws(AuthError) in
                    try await credential.fetchToken(scope: Self.scope, deadline: farDeadline)
                })
            #expect(error.description.hasSuffix("status 400, error: invalid_request, Identity not found"))
            #expect(error.description.contains("system-assigned identity"))
            #expect(server.requests.count == 1)
            #expect(
                server.requests.first?.uri
                    == "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net")
        }
    }

    @Test func nmiSendsPodHeadersAndTheRawResource() async throws {
        let reply = ScriptedServer.Reply.respond(
            status: 200,
            body:
                #"{"token":{"access_token":"nmi-token","refresh_token":"","expires_in":"3599","expires_on":"1900000000","not_before":"1700000000","resource":"https://vault.azure.net","token_type":"Bearer"},"clientid":"abc"}"#
        )
        try await withServer(reply, names: ["localhost"]) { server, http in
            let credential = try PodIdentityCredential(
                podName: "app-0", podNamespace: "default", nmiPort: server.port, http: http)
            let token = try await credential.fetchToken(scope: Self.scope, deadline: farDeadline)
            #expect(token.token == "nmi-token")
            let request = try #require(server.requests.first)
            #expect(request.uri == "/host/token/?resource=https://vault.azure.net")
            #expect(request.header("podname") == "app-0" && request.header("podns") == "default")
        }
    }

    @Test func nmiErrorsUseTheGoWordingAndScrubTokens() async throws {
        let leaked = fakeJWT(exp: 1)
        try await withServer(.respond(status: 404, body: "no identity matched for \(leaked)\n"), names: ["localhost"]) {
            server, http in
            let credential = try PodIdentityCredential(
                podName: "app-0", podNamespace: "default", nmiPort: server.port, http: http)
            let error = try #require(
                await failure { () throws(AuthError) in
                    try await credential.fetchToken(scope: Self.scope, deadline: farDeadline)
                })
            #expect(
                error.description
                    == "nmi response failed with status code: 404, response body: no identity matched for [redacted]")
        }
    }

    @Test func nmiWithoutClientIDIsRejected() async throws {
        try await withServer(
            .respond(status: 200, body: #"{"token":{"access_token":"x","expires_in":"3599"},"clientid":""}"#),
            names: ["localhost"]
        ) { server, http in
            let credential = try PodIdentityCredential(
                podName: "p", podNamespace: "n", nmiPort: server.port, http: http)
            let error = await failure { () throws(AuthError) in
                try await credential.fetchToken(scope: Self.scope, deadline: farDeadline)
            }
            #expect(error?.description == "nmi did not return expected values in response: token and clientid")
        }
    }
}

@Suite struct TransportTests {
    func failure(_ send: () async throws(AzureHTTPError) -> AzureHTTPResponse) async -> AzureHTTPError? {
        do {
            _ = try await send()
            return nil
        } catch {
            return error
        }
    }

    @Test func connectionFailuresAreRetriedThenReported() async throws {
        let server = try await ScriptedServer.start(.hangUp)
        try await withTestClient { http in
            let policy = RetryPolicy(
                maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2), retryableStatuses: [503])
            let error = try #require(
                await failure { () throws(AzureHTTPError) in
                    try await http.send(
                        AzureHTTPRequest(url: "http://127.0.0.1:\(server.port)/x?secret=1"), policy: policy,
                        deadline: farDeadline)
                })
            #expect(error.kind == .connection && error.attempts == 3)
            #expect(!error.description.contains("secret=1"))
        }
        #expect(server.requests.count == 3)
        await server.stop()
    }

    @Test func oversizedBodiesAreRefused() async throws {
        let server = try await ScriptedServer.start(.respond(status: 200, body: String(repeating: "x", count: 2048)))
        var settings = HTTPClientSettings(userAgent: "t", environment: [:])
        settings.maxResponseBytes = 1024
        let http = try AzureHTTPClient(settings: settings, logger: .init(label: "t"))
        let error = await failure { () throws(AzureHTTPError) in
            try await http.send(AzureHTTPRequest(url: "http://127.0.0.1:\(server.port)/"), deadline: farDeadline)
        }
        #expect(error?.kind == .responseTooLarge)
        await server.stop()
        try await http.shutdown()
    }

    @Test func aPastDeadlineFailsWithoutSending() async throws {
        let server = try await ScriptedServer.start(.respond(status: 200))
        try await withTestClient { http in
            let error = await failure { () throws(AzureHTTPError) in
                try await http.send(
                    AzureHTTPRequest(url: "http://127.0.0.1:\(server.port)/"), deadline: .now - .seconds(1))
            }
            #expect(error?.kind == .deadlineExceeded)
        }
        #expect(server.requests.isEmpty)
        await server.stop()
    }

    @Test func aSlowServerIsCutOffByTheDeadline() async throws {
        let server = try await ScriptedServer.start(.silence)
        try await withTestClient { http in
            let started = ContinuousClock.now
            let error = await failure { () throws(AzureHTTPError) in
                try await http.send(
                    AzureHTTPRequest(url: "http://127.0.0.1:\(server.port)/"), policy: .none,
                    deadline: .now + .milliseconds(500))
            }
            #expect(error?.kind == .deadlineExceeded)
            // Well before the test client's 5 s request timeout, which would have ended it as `.timedOut`; the
            // margin is for a loaded machine.
            #expect(ContinuousClock.now - started < .seconds(4))
        }
        await server.stop()
    }

    /// The attempt's own timeout is not the caller's deadline: it is retried, and reported as `.timedOut`.
    @Test func aPerRequestTimeoutIsNotTheDeadline() async throws {
        let server = try await ScriptedServer.start(.silence)
        let http = try AzureHTTPClient(
            settings: HTTPClientSettings(userAgent: "t", environment: [:], requestTimeout: .milliseconds(200)),
            logger: .init(label: "t"),
            sleep: { _ in })
        let policy = RetryPolicy(maxAttempts: 2, baseDelay: .zero, maxDelay: .zero, retryableStatuses: [])
        let error = await failure { () throws(AzureHTTPError) in
            try await http.send(
                AzureHTTPRequest(url: "http://127.0.0.1:\(server.port)/"), policy: policy, deadline: farDeadline)
        }
        #expect(error?.kind == .timedOut && error?.attempts == 2)
        await server.stop()
        try await http.shutdown()
    }

    @Test func aCredentialOutOfTimeSaysSo() async throws {
        let server = try await ScriptedServer.start(.silence)
        try await withTestClient { http in
            let credential = ManagedIdentityCredential(
                userAssignedClientID: nil, http: http, endpoint: "http://127.0.0.1:\(server.port)")
            do throws(AuthError) {
                _ = try await credential.fetchToken(
                    scope: "https://vault.azure.net/.default", deadline: .now + .milliseconds(300))
                Issue.record("expected an error")
            } catch {
                #expect(error.kind == .transport && error.isDeadlineExceeded)
            }
        }
        await server.stop()
    }

    @Test func aTLSFailureIsNotRetried() async throws {
        // A plain-HTTP server spoken to over https: the handshake fails and must not be re-dialled.
        let server = try await ScriptedServer.start(.respond(status: 200))
        try await withTestClient { http in
            let error = try #require(
                await failure { () throws(AzureHTTPError) in
                    try await http.send(
                        AzureHTTPRequest(url: "https://127.0.0.1:\(server.port)/"), deadline: .now + .seconds(10))
                })
            #expect(error.attempts == 1)
            #expect(error.kind == .tls)
        }
        await server.stop()
    }
}

@Suite struct DescriptionSafetyTests {
    @Test func printingCredentialsRequestsAndResponsesRevealsNoSecret() async throws {
        try await withTestClient { http in
            let environment = CloudName.azurePublicCloud.builtInEnvironment!
            let secret = "very-secret-client-secret"
            let saToken = fakeJWT(exp: 2_000_000_000)
            let printed = [
                "\(try ServicePrincipalCredential(environment: environment, tenantID: "t", clientID: "c", clientSecret: secret, http: http))",
                String(
                    reflecting: try ServicePrincipalCredential(
                        environment: environment, tenantID: "t", clientID: "c", clientSecret: secret, http: http)),
                "\(try WorkloadIdentityCredential(environment: environment, tenantID: "t", clientID: "c", serviceAccountToken: saToken, http: http))",
                "\(AzureHTTPRequest(url: "https://v.vault.azure.net/secrets/x/?api-version=7.4", headers: [("Authorization", "Bearer \(saToken)")]))",
                "\(AzureHTTPResponse(status: 200, body: Array(secret.utf8)))",
                "\(AccessToken(token: saToken, expiresOn: Date()))",
            ]
            for text in printed {
                #expect(!text.contains(secret) && !text.contains(saToken), "\(text)")
            }
            #expect(printed[0] == "ClientSecretCredential(servicePrincipal tenant=t clientID=c)")
        }
    }
}

@Suite struct AuthDecodingTests {
    /// Only unpadded base64url is a JWT segment, and `exp` is a number (RFC 7519 NumericDate).
    @Test func serviceAccountTokenDecodingIsStrict() {
        func jwt(_ payload: String) -> String { "e30.\(payload).c2ln" }
        #expect(JWTExpiry.expiry(of: jwt("eyJleHAiOjE3fQ")) == Date(timeIntervalSince1970: 17))  // {"exp":17}
        #expect(JWTExpiry.expiry(of: jwt("eyJleHAiOjE3fQ==")) == nil)  // padded
        #expect(JWTExpiry.expiry(of: jwt("eyJleHAiOnRydWV9")) == nil)  // {"exp":true}
        #expect(JWTExpiry.base64URLDecoded("-_8") == Data([0xFB, 0xFF]))
        #expect(JWTExpiry.base64URLDecoded("+/8") == nil)
    }

    @Test func oauthErrorsReadTheSameForEveryEndpoint() {
        let body = #"{"error":"invalid_request","error_description":"Identity not found\r\nTrace ID: 1"}"#
        let error = AuthError.rejected(
            AzureHTTPResponse(status: 400, body: Array(body.utf8)), mode: .managedIdentity, prefix: "P")
        #expect(error.description == "P: status 400, error: invalid_request, Identity not found")
        #expect(
            error.kind == .rejected && error.status == 400 && error.errorCode == "invalid_request"
                && !error.isDeadlineExceeded)
        #expect(
            AuthError.rejected(
                AzureHTTPResponse(status: 502, body: Array("<html>".utf8)), mode: .servicePrincipal, prefix: "P"
            ).description == "P: status 502")
    }
}
