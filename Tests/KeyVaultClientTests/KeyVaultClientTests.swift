import AzureAuth
import AzureHTTP
import Foundation
import Logging
import TestSupport
import Testing

@testable import KeyVaultClient

/// Key Vault over a loopback server reached as `myvault.vault.test:<port>` (plain HTTP).
@Suite struct KeyVaultClientTests {
    static let host = "myvault.vault.test"
    let version = "0123456789abcdef0123456789abcdef"

    struct Harness {
        let server: ScriptedServer
        let client: VaultClient
        let credential: CountingCredential
        let sleeps: SleepRecorder
        let http: AzureHTTPClient
        let cache: TokenCache

        func finish() async throws {
            await server.stop()
            try await http.shutdown()
        }
    }

    /// Runs `body` against a fresh server and client, and always shuts both down (AsyncHTTPClient traps on
    /// a client released without `shutdown()`).
    func withHarness(
        _ replies: [ScriptedServer.Responder], scope: String = "http://vault.test/.default",
        _ body: (Harness) async throws -> Void
    ) async throws {
        let server = try await ScriptedServer.start(replies)
        let sleeps = SleepRecorder()
        let http = try makeTestClient(names: [Self.host, "elsewhere.test"], sleeps: sleeps)
        let credential = CountingCredential()
        let cache = TokenCache()
        var client: VaultClient
        do {
            client = try VaultClient(
                http: http, tokens: cache, credential: credential, vaultBaseURL: "http://\(Self.host):\(server.port)",
                scope: scope.replacingOccurrences(of: "vault.test", with: "vault.test:\(server.port)"),
                logger: Logger(label: "test"))
        } catch {
            try await http.shutdown()
            throw error
        }
        client.retryPolicy = RetryPolicy(
            maxAttempts: 4, baseDelay: .milliseconds(10), maxDelay: .milliseconds(40),
            retryableStatuses: RetryPolicy.standard.retryableStatuses)
        let harness = Harness(
            server: server, client: client, credential: credential, sleeps: sleeps, http: http, cache: cache)
        try await run {
            try await body(harness)
        } thenAlways: {
            try await harness.finish()
        }
    }

    static func reply(_ status: Int, _ body: String, _ headers: [(String, String)] = []) -> ScriptedServer.Responder {
        { _, _ in .respond(status: status, headers: [("Content-Type", "application/json")] + headers, body: body) }
    }

    func secretJSON(_ port: Int, value: String = "s3cr3t-value") -> String {
        #"{"value":"\#(value)","id":"https://\#(Self.host):\#(port)/secrets/db/\#(version)","contentType":"text/plain","attributes":{"enabled":true,"created":1700000000,"updated":1700000000,"recoveryLevel":"Recoverable"}}"#
    }

    @Test func latestSecretUsesTheTrailingSlashBearerTokenAndUserAgent() async throws {
        try await withHarness([{ _, port in .respond(status: 200, body: secretJSON(port)) }]) { h in
            let secret = try await h.client.getSecret(name: "db", version: "", deadline: farDeadline)
            #expect(secret.value == "s3cr3t-value")
            #expect(secret.id.hasSuffix("/secrets/db/\(version)"))
            #expect(secret.attributes?.created == 1_700_000_000)
            #expect(!secret.description.contains("s3cr3t"))
            let request = try #require(h.server.requests.first)
            #expect(request.uri == "/secrets/db/?api-version=7.4")
            #expect(request.header("Authorization") == "Bearer token-1")
            #expect(request.header("User-Agent") == "provider-test/0.0.1-test e2e")
        }
    }

    @Test func aSpecificVersionIsInThePath() async throws {
        try await withHarness([{ _, port in .respond(status: 200, body: secretJSON(port)) }]) { h in
            _ = try await h.client.getSecret(name: "db", version: version, deadline: farDeadline)
            #expect(h.server.requests.first?.uri == "/secrets/db/\(version)?api-version=7.4")
        }
    }

    @Test func a503IsRetried() async throws {
        try await withHarness([Self.reply(503, "{}"), { _, port in .respond(status: 200, body: secretJSON(port)) }]) {
            h in
            _ = try await h.client.getSecret(name: "db", version: "", deadline: farDeadline)
            #expect(h.server.requests.count == 2)
            #expect(h.sleeps.recorded.count == 1 && h.sleeps.recorded[0] <= .milliseconds(10))
            #expect(h.credential.fetches == 1)
        }
    }

    @Test func a429HonoursRetryAfter() async throws {
        let throttled =
            #"{"error":{"code":"Throttled","message":"Request was not processed because too many requests were received."}}"#
        try await withHarness([
            Self.reply(429, throttled, [("Retry-After", "1")]),
            { _, port in .respond(status: 200, body: secretJSON(port)) },
        ]) { h in
            _ = try await h.client.getSecret(name: "db", version: "", deadline: farDeadline)
            #expect(h.sleeps.recorded == [.seconds(1)])
        }
    }

    @Test func aRetryAfterBeyondTheDeadlineEndsRetriesAtOnce() async throws {
        let throttled = #"{"error":{"code":"Throttled","message":"too many requests"}}"#
        try await withHarness([Self.reply(429, throttled, [("Retry-After", "100")])]) { h in
            do throws(KeyVaultError) {
                _ = try await h.client.getSecret(name: "db", version: "", deadline: .now + .seconds(5))
                Issue.record("expected an error")
            } catch {
                #expect(error.status == 429 && error.code == "Throttled")
            }
            #expect(h.server.requests.count == 1)
            #expect(h.sleeps.recorded.isEmpty)
        }
    }

    @Test func attemptsAreBounded() async throws {
        try await withHarness([Self.reply(500, "{}")]) { h in
            await #expect(throws: KeyVaultError.self) {
                try await h.client.getSecret(name: "db", version: "", deadline: farDeadline)
            }
            #expect(h.server.requests.count == 4)
            #expect(h.sleeps.recorded.count == 3)
        }
    }

    @Test(arguments: [400, 403, 404])
    func clientErrorsAreNotRetried(status: Int) async throws {
        let body =
            #"{"error":{"code":"SecretNotFound","message":"A secret with (name/id) db was not found in this key vault."}}"#
        try await withHarness([Self.reply(status, body)]) { h in
            do throws(KeyVaultError) {
                _ = try await h.client.getSecret(name: "db", version: "", deadline: farDeadline)
                Issue.record("expected an error")
            } catch {
                #expect(error.kind == .service)
                #expect(error.status == status)
                #expect(error.code == "SecretNotFound")
                #expect(
                    error.reason
                        == "status \(status), code SecretNotFound: A secret with (name/id) db was not found in this key vault."
                )
                #expect(!error.reason.contains("token-1"))
            }
            #expect(h.server.requests.count == 1)
        }
    }

    @Test func innerErrorCodeIsKept() async throws {
        let body =
            #"{"error":{"code":"Forbidden","message":"Caller is not authorized to perform action on resource.","innererror":{"code":"ForbiddenByRbac"}}}"#
        try await withHarness([Self.reply(403, body)]) { h in
            do throws(KeyVaultError) {
                _ = try await h.client.getKey(name: "k", version: "", deadline: farDeadline)
                Issue.record("expected an error")
            } catch {
                #expect(
                    error.reason
                        == "status 403, code Forbidden (ForbiddenByRbac): Caller is not authorized to perform action on resource."
                )
            }
        }
    }

    @Test func a401ChallengeEvictsAndRetriesOnceForTheChallengedScope() async throws {
        let challenge: ScriptedServer.Responder = { _, port in
            .respond(
                status: 401,
                headers: [
                    (
                        "WWW-Authenticate",
                        #"Bearer authorization="https://login.windows.net/tenant", resource="http://vault.test:\#(port)""#
                    )
                ],
                body: #"{"error":{"code":"Unauthorized","message":"AKV10022: Invalid audience."}}"#)
        }
        try await withHarness(
            [challenge, { _, port in .respond(status: 200, body: secretJSON(port)) }],
            scope: "http://wrong.test/.default"
        ) { h in
            _ = try await h.client.getSecret(name: "db", version: "", deadline: farDeadline)
            #expect(
                h.credential.scopes == ["http://wrong.test/.default", "http://vault.test:\(h.server.port)/.default"])
            #expect(h.server.requests.map { $0.header("Authorization") } == ["Bearer token-1", "Bearer token-2"])
        }
    }

    @Test func aSecond401IsAnError() async throws {
        let challenge: ScriptedServer.Responder = { _, port in
            .respond(
                status: 401,
                headers: [
                    (
                        "WWW-Authenticate",
                        #"Bearer authorization="https://login.windows.net/t", resource="http://vault.test:\#(port)""#
                    )
                ],
                body:
                    #"{"error":{"code":"Unauthorized","message":"[TokenExpired] Error validating token: 'S2S12086'."}}"#
            )
        }
        try await withHarness([challenge]) { h in
            do throws(KeyVaultError) {
                _ = try await h.client.getSecret(name: "db", version: "", deadline: farDeadline)
                Issue.record("expected an error")
            } catch {
                #expect(error.status == 401 && error.code == "Unauthorized")
            }
            #expect(h.server.requests.count == 2)
            #expect(h.credential.fetches == 2)
        }
    }

    @Test func aChallengeForAnotherDomainIsRefused() async throws {
        try await withHarness([
            Self.reply(
                401, "{}",
                [
                    (
                        "WWW-Authenticate",
                        #"Bearer authorization="https://login.windows.net/t", resource="https://evil.example""#
                    )
                ])
        ]) { h in
            do throws(KeyVaultError) {
                _ = try await h.client.getSecret(name: "db", version: "", deadline: farDeadline)
                Issue.record("expected an error")
            } catch {
                #expect(error.kind == .challengeRejected)
                #expect(error.reason.contains("doesn't match the requested domain"))
            }
            #expect(h.credential.fetches == 1)
        }
    }

    /// The order is the service's: the pipeline sorts once, by its own rule.
    @Test func versionListingFollowsNextLinkAndKeepsTheServicesOrder() async throws {
        try await withHarness([
            { _, port in
                .respond(
                    status: 200,
                    body:
                        #"{"value":[{"id":"https://\#(Self.host)/secrets/db/aaa","attributes":{"enabled":true,"created":100}}],"nextLink":"http://\#(Self.host):\#(port)/secrets/db/versions?api-version=7.4&$skiptoken=p2"}"#
                )
            },
            { _, port in
                .respond(
                    status: 200,
                    body:
                        #"{"value":[],"nextLink":"http://\#(Self.host):\#(port)/secrets/db/versions?api-version=7.4&$skiptoken=p3"}"#
                )
            },
            Self.reply(
                200,
                #"{"value":[{"id":"https://\#(Self.host)/secrets/db/bbb","attributes":{"enabled":false,"created":200}}],"nextLink":null}"#
            ),
        ]) { h in
            let versions = try await h.client.listVersions(of: .secret, name: "db", deadline: farDeadline)
            #expect(versions.map(\.version) == ["aaa", "bbb"])
            #expect(versions.map(\.enabled) == [true, false])
            #expect(
                h.server.requests.map(\.uri) == [
                    "/secrets/db/versions?api-version=7.4", "/secrets/db/versions?api-version=7.4&$skiptoken=p2",
                    "/secrets/db/versions?api-version=7.4&$skiptoken=p3",
                ])
            #expect(h.credential.fetches == 1)
        }
    }

    @Test func keyListingsUseKid() async throws {
        try await withHarness([
            Self.reply(200, #"{"value":[{"kid":"https://v/keys/k/ccc","attributes":{"created":5}}]}"#)
        ]) { h in
            let versions = try await h.client.listVersions(of: .key, name: "k", deadline: farDeadline)
            #expect(versions == [VersionItem(version: "ccc", id: "https://v/keys/k/ccc", enabled: nil, created: 5)])
        }
    }

    @Test(arguments: [
        "http://elsewhere.test:PORT/secrets/db/versions?x=1", "https://myvault.vault.test:PORT/secrets/db/versions",
        "http://myvault.vault.test:1/secrets/db/versions",
    ])
    func aNextLinkOffTheVaultIsRefused(link: String) async throws {
        try await withHarness([
            { _, port in
                .respond(
                    status: 200,
                    body: #"{"value":[],"nextLink":"\#(link.replacingOccurrences(of: "PORT", with: "\(port)"))"}"#)
            }
        ]) { h in
            do throws(KeyVaultError) {
                _ = try await h.client.listVersions(of: .secret, name: "db", deadline: farDeadline)
                Issue.record("expected an error")
            } catch {
                #expect(error.kind == .invalidNextLink)
            }
            #expect(h.server.requests.count == 1)
        }
    }

    @Test func aRepeatingNextLinkIsRefused() async throws {
        try await withHarness([
            { _, port in
                .respond(
                    status: 200,
                    body:
                        #"{"value":[],"nextLink":"http://\#(Self.host):\#(port)/secrets/db/versions?api-version=7.4"}"#)
            }
        ]) { h in
            await #expect(throws: KeyVaultError.self) {
                try await h.client.listVersions(of: .secret, name: "db", deadline: farDeadline)
            }
        }
    }

    @Test func malformedBundlesNameWhatIsWrongWithoutQuotingValues() async throws {
        try await withHarness([
            Self.reply(200, #"{"id":"https://v/secrets/db/1","contentType":"text/plain"}"#),
            Self.reply(200, #"{"value":"hunter2-secret","id":42}"#),
            Self.reply(200, #"{"value":"hunter2-secret", "#),
            Self.reply(200, #"{"key":{"kid":"k"}}"#),
        ]) { h in
            func reason(_ read: () async throws(KeyVaultError) -> Void) async -> String {
                do {
                    try await read()
                    return ""
                } catch { return error.reason }
            }
            var reasons: [String] = []
            for _ in 0..<3 {
                reasons.append(
                    await reason { () throws(KeyVaultError) in
                        _ = try await h.client.getSecret(name: "db", version: "", deadline: farDeadline)
                    })
            }
            reasons.append(
                await reason { () throws(KeyVaultError) in
                    _ = try await h.client.getKey(name: "k", version: "", deadline: farDeadline)
                })
            #expect(
                reasons == [
                    "malformed secret bundle from Key Vault: missing field \"value\"",
                    "malformed secret bundle from Key Vault: id is not a string",
                    "malformed secret bundle from Key Vault: not valid JSON",
                    "malformed key bundle from Key Vault: missing field \"kty\" in key",
                ])
            #expect(reasons.allSatisfy { !$0.contains("hunter2") })
        }
    }

    @Test func certificatesAndKeysDecode() async throws {
        try await withHarness([
            Self.reply(
                200,
                #"{"id":"https://v/certificates/c/v1","kid":"https://v/keys/c/v1","sid":"https://v/secrets/c/v1","x5t":"abc","cer":"MIIB","attributes":{"enabled":true}}"#
            ),
            Self.reply(
                200,
                #"{"key":{"kid":"https://v/keys/k/v2","kty":"EC","crv":"P-256","x":"eA","y":"eQ","key_ops":["sign"]},"attributes":{"enabled":true}}"#
            ),
        ]) { h in
            let certificate = try await h.client.getCertificate(name: "c", version: "v1", deadline: farDeadline)
            #expect(
                certificate.cer == "MIIB" && certificate.sid == "https://v/secrets/c/v1"
                    && certificate.id == "https://v/certificates/c/v1")
            let key = try await h.client.getKey(name: "k", version: "", deadline: farDeadline)
            #expect(key.key.crv == "P-256" && key.key.keyOps == ["sign"] && key.key.kid == "https://v/keys/k/v2")
            #expect(h.server.requests.map(\.uri) == ["/certificates/c/v1?api-version=7.4", "/keys/k/?api-version=7.4"])
        }
    }

    @Test func invalidVaultNamesAreRefused() async throws {
        try await withTestClient { http in
            #expect(throws: KeyVaultError.self) {
                try VaultClient(
                    http: http, tokens: TokenCache(), credential: CountingCredential(),
                    environment: .init(
                        name: "x", activeDirectoryEndpoint: "https://l/", keyVaultEndpoint: "https://vault.azure.net/",
                        keyVaultDNSSuffix: "vault.azure.net"),
                    vaultName: "evil.com/#", logger: Logger(label: "t"))
            }
        }
    }

    /// The pipeline maps these to DEADLINE_EXCEEDED: the vault is not known to be down, the mount is out of time.
    @Test func anExpiredDeadlineIsFlaggedForReadsAndTokens() async throws {
        try await withHarness([{ _, _ in .silence }]) { h in
            do throws(KeyVaultError) {
                _ = try await h.client.getSecret(name: "db", version: "", deadline: .now + .milliseconds(300))
                Issue.record("expected an error")
            } catch {
                #expect(error.kind == .transport && error.isDeadlineExceeded)
            }
        }
        try await withTestClient(names: [Self.host]) { http in
            let slow = CountingCredential(delay: .seconds(3))
            let client = try VaultClient(
                http: http, tokens: TokenCache(), credential: slow, vaultBaseURL: "http://\(Self.host):1", scope: "s",
                logger: Logger(label: "t"))
            do throws(KeyVaultError) {
                _ = try await client.getSecret(name: "db", version: "", deadline: .now + .milliseconds(200))
                Issue.record("expected an error")
            } catch {
                #expect(
                    error.kind == .authentication && error.isDeadlineExceeded
                        && error.authError?.isDeadlineExceeded == true)
            }
        }
    }

    @Test func authenticationFailuresCarryTheAuthError() async throws {
        let server = try await ScriptedServer.start(.respond(status: 200, body: "{}"))
        try await withTestClient(names: [Self.host]) { http in
            let failing = CountingCredential(
                failure: AuthError(
                    kind: .rejected, mode: .servicePrincipal, status: 401, errorCode: "invalid_client",
                    description: "ClientSecretCredential authentication failed"))
            let client = try VaultClient(
                http: http, tokens: TokenCache(), credential: failing,
                vaultBaseURL: "http://\(Self.host):\(server.port)", scope: "s", logger: Logger(label: "t"))
            do throws(KeyVaultError) {
                _ = try await client.getSecret(name: "db", version: "", deadline: farDeadline)
                Issue.record("expected an error")
            } catch {
                #expect(error.kind == .authentication && error.authError?.errorCode == "invalid_client")
            }
        }
        #expect(server.requests.isEmpty)
        await server.stop()
    }
}

@Suite struct ChallengeTests {
    @Test func parsesCommaAndSpaceSeparatedForms() {
        let a = BearerChallenge.parse(
            #"Bearer authorization="https://login.windows.net/t", resource="https://vault.azure.net""#)
        #expect(a?.scope == "https://vault.azure.net/.default")
        let b = BearerChallenge.parse(
            #"Bearer authorization_uri="https://login.windows.net/t" scope="https://vault.azure.net/.default""#)
        #expect(b?.scope == "https://vault.azure.net/.default")
        #expect(BearerChallenge.parse("Basic realm=x") == nil)
    }

    @Test func resourceMustBeTheVaultsDomain() {
        let vault = URLComponents(string: "https://myvault.vault.azure.net/")!
        func matches(_ resource: String) -> Bool {
            BearerChallenge(parameters: ["resource": resource]).resourceMatches(vault: vault)
        }
        #expect(matches("https://vault.azure.net"))
        #expect(matches("https://vault.azure.net:443/"))
        #expect(!matches("https://azure.net.evil.com"))
        #expect(!matches("https://myvault.vault.azure.net"))
        #expect(!matches("https://vault.azure.net:8443"))
        #expect(
            BearerChallenge(parameters: ["resource": "https://vault.test:8443"]).resourceMatches(
                vault: URLComponents(string: "https://myvault.vault.test:8443/")!))
    }
}
