import AzureHTTP
import Foundation
import Logging
import NIOSSL
import TestSupport
import Testing

/// Needs the openssl command (`make deps` installs it): a missing tool fails these tests, it never skips them.
@Suite struct TLSTests {
    static let host = "myvault.vault.test"

    func withTLSServer(_ body: (ScriptedServer, TestPKI) async throws -> Void) async throws {
        let pki = try TestPKI.make(host: Self.host)
        let server = try await ScriptedServer.start(
            [{ _, _ in .respond(status: 200, body: "secure") }], tls: try pki.serverContext())
        do {
            try await body(server, pki)
        } catch {
            await server.stop()
            pki.remove()
            throw error
        }
        await server.stop()
        pki.remove()
    }

    func client(extraCA: String?, environment: [String: String] = [:]) throws -> AzureHTTPClient {
        var settings = HTTPClientSettings(
            userAgent: "t", extraCABundlePath: extraCA, environment: environment, requestTimeout: .seconds(5))
        settings.dnsOverride = [Self.host: "127.0.0.1"]
        return try AzureHTTPClient(settings: settings, logger: Logger(label: "t"))
    }

    @Test func anExtraCABundleIsTrustedBesideTheSystemRoots() async throws {
        try await withTLSServer { server, pki in
            let http = try client(extraCA: pki.caPath)
            let response = try? await http.send(
                AzureHTTPRequest(url: "https://\(Self.host):\(server.port)/"), deadline: farDeadline)
            try await http.shutdown()
            #expect(response?.status == 200 && response?.body == Array("secure".utf8))
        }
    }

    @Test func sslCertFileIsHonoured() async throws {
        try await withTLSServer { server, pki in
            let http = try client(extraCA: nil, environment: ["SSL_CERT_FILE": pki.caPath])
            let response = try? await http.send(
                AzureHTTPRequest(url: "https://\(Self.host):\(server.port)/"), deadline: farDeadline)
            try await http.shutdown()
            #expect(response?.status == 200)
        }
    }

    @Test func anUntrustedCertificateFailsAtOnceWithoutRetries() async throws {
        try await withTLSServer { server, _ in
            let http = try client(extraCA: nil)
            let started = ContinuousClock.now
            var failure: AzureHTTPError?
            do throws(AzureHTTPError) {
                _ = try await http.send(
                    AzureHTTPRequest(url: "https://\(Self.host):\(server.port)/"), deadline: .now + .seconds(20))
            } catch {
                failure = error
            }
            try await http.shutdown()
            #expect(failure?.kind == .tls && failure?.attempts == 1)
            // BoringSSL's reason, without its code or the path of the C source on the machine that built us.
            #expect(
                failure?.detail
                    == "TLS handshake failed: handshakeFailed(NIOSSL.BoringSSLError.sslError([CERTIFICATE_VERIFY_FAILED]))"
            )
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(server.requests.isEmpty)
        }
    }
}
