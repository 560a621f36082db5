import AzureHTTP
import Foundation
import Logging
import NIOSSL
import TestSupport
import Testing

/// A test CA and a leaf certificate for `myvault.vault.test`, made with the openssl command at test time.
struct TestPKI {
    let directory: String
    var caPath: String { directory + "/ca.pem" }
    var leafPath: String { directory + "/leaf.pem" }
    var keyPath: String { directory + "/leaf.key" }

    static func make(host: String) throws -> TestPKI {
        let pki = TestPKI(directory: NSTemporaryDirectory() + "pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: pki.directory, withIntermediateDirectories: true)
        try "subjectAltName=DNS:\(host)\nextendedKeyUsage=serverAuth\n".write(
            toFile: pki.directory + "/ext.cnf", atomically: true, encoding: .utf8)
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
            pki.directory + "/ca.key",
            "-out", pki.caPath, "-days", "1", "-subj", "/CN=Test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
        ])
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", pki.keyPath,
            "-out", pki.directory + "/leaf.csr", "-subj", "/CN=\(host)",
        ])
        try openssl([
            "x509", "-req", "-in", pki.directory + "/leaf.csr", "-CA", pki.caPath, "-CAkey", pki.directory + "/ca.key",
            "-CAcreateserial", "-out", pki.leafPath, "-days", "1", "-extfile", pki.directory + "/ext.cnf",
        ])
        return pki
    }

    static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    func serverContext() throws -> NIOSSLContext {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(leafPath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

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
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(server.requests.isEmpty)
        }
    }
}
