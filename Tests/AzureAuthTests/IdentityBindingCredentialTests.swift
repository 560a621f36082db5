import AzureHTTP
import Foundation
import Logging
import TestSupport
import Testing

@testable import AzureAuth

/// Identity binding against a loopback HTTPS server playing the token proxy, whose certificate names only the
/// TLS server name (needs the openssl command, as the TLS tests do: never skipped).
@Suite struct IdentityBindingCredentialTests {
    static let serverName = "aeaf29ip1hi5q38ebc3u4daum81u0unk52t5bg50j25234fmuj78g.ests.aks"
    static let scope = "https://vault.azure.net/.default"
    static let tokenReply = ScriptedServer.Reply.respond(
        status: 200,
        body: #"{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ0.eyJ1.sig"}"#)

    /// A proxy presenting a certificate for `names` (the first is its host), and a client to reach it.
    func withProxy(
        names: [String], _ body: (ScriptedServer, TestPKI, AzureHTTPClient) async throws -> Void
    ) async throws {
        let pki = try TestPKI.make(host: names[0], extraNames: Array(names.dropFirst()))
        let server = try await ScriptedServer.start([{ _, _ in Self.tokenReply }], tls: try pki.serverContext())
        try await run {
            try await withTestClient { http in try await body(server, pki, http) }
        } thenAlways: {
            await server.stop()
            pki.remove()
        }
    }

    func credential(
        _ settings: TokenProxySettings, http: AzureHTTPClient, token: String = fakeJWT(exp: 4_102_444_800)
    ) throws -> IdentityBindingCredential {
        try IdentityBindingCredential(
            tenantID: "tenant-1", clientID: "client-1", serviceAccountToken: token,
            proxy: TokenProxyTransport(settings: settings, http: http, logger: Logger(label: "test")))
    }

    /// The client-assertion grant, posted to the proxy URL's path + `<tenant>/oauth2/v2.0/token`, with the TLS
    /// server name as host (SNI, certificate check and `Host`), the connection going to the proxy's address.
    @Test func postsTheAssertionToTheProxyUnderTheServerName() async throws {
        try await withProxy(names: [Self.serverName]) { server, pki, http in
            let assertion = fakeJWT(exp: 4_102_444_800)
            let settings = TokenProxySettings(
                url: "https://127.0.0.1:\(server.port)/proxy", sniName: Self.serverName, caFile: pki.caPath,
                environment: [:])
            let token = try await credential(settings, http: http, token: assertion)
                .fetchToken(scope: Self.scope, deadline: farDeadline)
            #expect(token.token == "eyJ0.eyJ1.sig")
            let request = try #require(server.requests.first)
            #expect(request.method == "POST" && request.uri == "/proxy/tenant-1/oauth2/v2.0/token")
            #expect(request.header("Host") == "\(Self.serverName):\(server.port)")
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
            let form = Dictionary(
                uniqueKeysWithValues: request.body.split(separator: "&").map { pair in
                    let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding! }
                    return (parts[0], parts[1])
                })
            #expect(
                form == [
                    "grant_type": "client_credentials", "client_id": "client-1",
                    "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    "client_assertion": assertion, "scope": Self.scope,
                ])
        }
    }

    /// The token never outlives the service-account token that bought it.
    @Test func expiryIsCappedAtTheServiceAccountToken() async throws {
        try await withProxy(names: [Self.serverName]) { server, pki, http in
            let expiry = Date().addingTimeInterval(600)
            let settings = TokenProxySettings(
                url: "https://127.0.0.1:\(server.port)", sniName: Self.serverName, caFile: pki.caPath,
                environment: [:])
            let token = try await credential(settings, http: http, token: fakeJWT(exp: expiry.timeIntervalSince1970))
                .fetchToken(scope: Self.scope, deadline: farDeadline)
            #expect(abs(token.expiresOn.timeIntervalSince(expiry)) < 1)
            #expect(server.requests.first?.uri == "/tenant-1/oauth2/v2.0/token")
        }
    }

    /// Another CA, or another server name than the certificate's: the TLS check fails, naming where the
    /// connection went and what it trusted, never the assertion.
    @Test(arguments: [false, true])
    func aWrongCAOrServerNameFailsTheHandshake(wrongCA: Bool) async throws {
        try await withProxy(names: [Self.serverName]) { server, pki, http in
            let other = try TestPKI.make(host: "other.ests.aks")
            defer { other.remove() }
            let sni = wrongCA ? Self.serverName : "other.ests.aks"
            let settings = TokenProxySettings(
                url: "https://127.0.0.1:\(server.port)", sniName: sni, caFile: wrongCA ? other.caPath : pki.caPath,
                environment: [:])
            let assertion = fakeJWT(exp: 4_102_444_800)
            let error = try await #require(
                #expect(throws: AuthError.self) {
                    try await credential(settings, http: http, token: assertion)
                        .fetchToken(scope: Self.scope, deadline: farDeadline)
                })
            #expect(error.kind == .transport && error.mode == .identityBinding)
            #expect(error.description.hasPrefix("IdentityBindingCredential: POST https://\(sni):\(server.port)/"))
            #expect(error.description.contains("TLS handshake failed"))
            #expect(
                error.description.hasSuffix(
                    "(token proxy https://127.0.0.1:\(server.port), TLS server name \(sni), CA file \(settings.caFile))"
                ))
            #expect(!error.description.contains(assertion))
            #expect(server.requests.isEmpty)
        }
    }

    /// Without `--sni-name` the name comes from the API server certificate's `hcp-kubernetes.<id>...` name.
    @Test func theServerNameIsReadFromTheCertificate() async throws {
        let names = ["localhost", "hcp-kubernetes.696995ccb303450001b31a18.svc.cluster.local"]
        try await withProxy(names: names) { server, pki, _ in
            let read = try await ServerCertificateNames.dnsNames(
                host: "localhost", port: server.port,
                trustPEM: Array(try Data(contentsOf: URL(fileURLWithPath: pki.caPath))),
                deadline: farDeadline)
            #expect(read == names)
            #expect(
                IdentityBindingServerName.clusterID(dnsNames: read).map(IdentityBindingServerName.serverName)
                    == Self.serverName)
        }
    }

    @Test func aMissingCAFileIsNamed() async throws {
        try await withTestClient { http in
            let settings = TokenProxySettings(
                url: "https://127.0.0.1:1", sniName: Self.serverName, caFile: "/nonexistent/ca.crt", environment: [:])
            let error = try await #require(
                #expect(throws: AuthError.self) {
                    try await credential(settings, http: http).fetchToken(scope: Self.scope, deadline: farDeadline)
                })
            #expect(
                error.description
                    == "IdentityBindingCredential: cannot read the token proxy's CA file /nonexistent/ca.crt (set"
                    + " --token-proxy-ca-file to the CA that signs the proxy's certificate)")
            #expect(error.kind == .invalidConfiguration)
        }
    }

    @Test(arguments: [
        ("http://proxy.example", "must use https"), ("https://u:p@proxy.example", "must not hold user info"),
        ("https://proxy.example/?a=b", "must not hold a query"),
        ("https://proxy.example/#f", "must not hold a fragment"),
        ("not a url", "is not a URL"),
    ])
    func unusableProxyURLs(url: String, why: String) {
        #expect(throws: AuthError.self) { try TokenProxySettings(url: url, environment: [:]).endpoint() }
        do {
            _ = try TokenProxySettings(url: url, environment: [:]).endpoint()
        } catch {
            #expect(error.description == "IdentityBindingCredential: --token-proxy-url \"\(url)\" \(why)")
        }
    }

    /// The default URL has no port: requests go to 443, the certificate is read at `KUBERNETES_SERVICE_PORT`.
    @Test func endpoints() throws {
        let standard = try TokenProxySettings(environment: ["KUBERNETES_SERVICE_PORT": "6443"]).endpoint()
        #expect(
            standard
                == TokenProxyEndpoint(
                    host: "kubernetes.default.svc.cluster.local", port: nil, path: "/", certificatePort: 6443))
        #expect(
            standard.tokenURL(serverName: "a.ests.aks", tenantPath: "t/oauth2/v2.0/token")
                == "https://a.ests.aks/t/oauth2/v2.0/token")
        let custom = try TokenProxySettings(url: "https://10.0.0.1:8443/base", environment: [:]).endpoint()
        #expect(custom == TokenProxyEndpoint(host: "10.0.0.1", port: 8443, path: "/base/", certificatePort: 8443))
        #expect(TokenProxySettings(sniName: "", environment: [:]).sniName == nil)
    }
}
