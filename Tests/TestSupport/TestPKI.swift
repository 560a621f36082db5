import Foundation
import NIOSSL

/// A test CA and a leaf certificate for a host (and any extra DNS names), made with the openssl command at test
/// time.
public struct TestPKI: Sendable {
    public let directory: String
    public var caPath: String { directory + "/ca.pem" }
    public var leafPath: String { directory + "/leaf.pem" }
    public var keyPath: String { directory + "/leaf.key" }

    public static func make(host: String, extraNames: [String] = []) throws -> TestPKI {
        let pki = TestPKI(directory: NSTemporaryDirectory() + "pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: pki.directory, withIntermediateDirectories: true)
        let names = ([host] + extraNames).map { "DNS:\($0)" }.joined(separator: ",")
        try "subjectAltName=\(names)\nextendedKeyUsage=serverAuth\n".write(
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

    public static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    public func serverContext() throws -> NIOSSLContext {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(leafPath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }

    public func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
