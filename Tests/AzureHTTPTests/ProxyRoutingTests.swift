import AzureHTTP
import Foundation
import Logging
import TestSupport
import Testing

/// The real client against a loopback "proxy" that records what it is asked.
@Suite struct ProxyRoutingTests {
    /// `environment`'s `{port}` stands for the scripted proxy's port.
    func withProxiedClient(
        _ reply: ScriptedServer.Reply, environment: [String: String],
        _ body: (ScriptedServer, AzureHTTPClient) async throws -> Void
    ) async throws {
        let proxy = try await ScriptedServer.start(reply)
        let http = try AzureHTTPClient(
            settings: HTTPClientSettings(
                userAgent: "t",
                environment: environment.mapValues { $0.replacingOccurrences(of: "{port}", with: "\(proxy.port)") },
                requestTimeout: .seconds(5)),
            logger: Logger(label: "t"))
        do {
            try await body(proxy, http)
        } catch {
            try await http.shutdown()
            await proxy.stop()
            throw error
        }
        try await http.shutdown()
        await proxy.stop()
    }

    @Test func plainHTTPGoesToTheProxyAsAnAbsoluteURI() async throws {
        try await withProxiedClient(
            .respond(status: 200, body: "ok"), environment: ["HTTP_PROXY": "u:p@127.0.0.1:{port}"]
        ) { proxy, http in
            let response = try await http.send(
                AzureHTTPRequest(
                    url: "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01",
                    headers: [("Metadata", "true")]),
                policy: .none, deadline: farDeadline)
            #expect(response.status == 200)
            #expect(response.body == Array("ok".utf8))
            let request = try #require(proxy.requests.first)
            #expect(
                request.method == "GET"
                    && request.uri == "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01")
            #expect(request.header("Host") == "169.254.169.254" && request.header("Metadata") == "true")
            #expect(request.header("Proxy-Authorization") == "Basic " + Data("u:p".utf8).base64EncodedString())
            #expect(request.header("User-Agent") == "t")
        }
    }

    @Test func httpsTunnelsWithConnectAndSendsProxyCredentials() async throws {
        try await withProxiedClient(
            .respond(status: 403), environment: ["https_proxy": "http://user:pa%3Ass@127.0.0.1:{port}"]
        ) { proxy, http in
            await #expect(throws: AzureHTTPError.self) {
                _ = try await http.send(
                    AzureHTTPRequest(url: "https://myvault.vault.azure.net/secrets/x/?api-version=7.4"), policy: .none,
                    deadline: farDeadline)
            }
            let connect = try #require(proxy.requests.first)
            #expect(connect.method == "CONNECT" && connect.uri == "myvault.vault.azure.net:443")
            #expect(connect.header("Proxy-Authorization") == "Basic " + Data("user:pa:ss".utf8).base64EncodedString())
        }
    }

    @Test func noProxyAndLoopbackGoDirect() async throws {
        let target = try await ScriptedServer.start(.respond(status: 204))
        try await withProxiedClient(
            .respond(status: 502),
            environment: ["HTTP_PROXY": "http://127.0.0.1:{port}", "NO_PROXY": "169.254.169.254"]
        ) { proxy, http in
            let response = try await http.send(
                AzureHTTPRequest(url: "http://127.0.0.1:\(target.port)/host/token/"), policy: .none,
                deadline: farDeadline)
            #expect(response.status == 204)
            #expect(proxy.requests.isEmpty)
            #expect(target.requests.count == 1)
        }
        await target.stop()
    }
}

@Suite struct TrustRootLoadingTests {
    /// One certificate copied from the system bundle into a temporary file.
    func temporaryBundle() throws -> String {
        let system = try String(contentsOfFile: "/etc/ssl/certs/ca-certificates.crt", encoding: .utf8)
        let end = "-----END CERTIFICATE-----"
        let first = try #require(system.range(of: end))
        let start = try #require(system.range(of: "-----BEGIN CERTIFICATE-----"))
        let path = NSTemporaryDirectory() + "extra-ca-\(UUID().uuidString).pem"
        try (String(system[start.lowerBound..<first.upperBound]) + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Reads the system bundle (`make deps` installs ca-certificates).
    @Test func anExtraBundleAndCertificateVariablesLoad() async throws {
        let bundle = try temporaryBundle()
        defer { try? FileManager.default.removeItem(atPath: bundle) }
        let directory = NSTemporaryDirectory() + "certdir-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: bundle, toPath: directory + "/a.pem")
        try "not a certificate".write(toFile: directory + "/README", atomically: true, encoding: .utf8)
        for environment in [
            [:], ["SSL_CERT_FILE": bundle], ["SSL_CERT_DIR": directory],
            ["SSL_CERT_FILE": bundle, "SSL_CERT_DIR": directory],
        ] {
            let http = try AzureHTTPClient(
                settings: HTTPClientSettings(userAgent: "t", extraCABundlePath: bundle, environment: environment),
                logger: Logger(label: "t"))
            try await http.shutdown()
        }
    }

    @Test func aBundleWithoutCertificatesIsRefused() throws {
        let path = NSTemporaryDirectory() + "empty-\(UUID().uuidString).pem"
        try "nothing here".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: HTTPClientConfigurationError.self) {
            _ = try AzureHTTPClient(
                settings: HTTPClientSettings(userAgent: "t", extraCABundlePath: path, environment: [:]),
                logger: Logger(label: "t"))
        }
    }
}
