import Foundation
import NIOSSL

/// Which certificates verify Azure's TLS servers. Verification itself is never switched off.
///
/// The OpenSSL/Go conventions users rely on: `SSL_CERT_FILE` replaces the default bundle file and
/// `SSL_CERT_DIR` (colon-separated) replaces the default certificate directory; whichever is unset keeps
/// its default. The `--extra-ca-bundle` flag adds to whatever results.
struct TrustRoots {
    /// Default locations, as swift-nio-ssl searches them on Linux.
    static let defaultFiles = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"]
    static let defaultDirectory = "/etc/ssl/certs"

    var primary: NIOSSLTrustRoots
    var additional: [NIOSSLAdditionalTrustRoots]
    /// Things worth a warning (e.g. `SSL_CERT_FILE` naming a missing file, which Go ignores too).
    var warnings: [String]

    /// Resolves the sources; `isFile`/`isDirectory` are injectable so tests need no real files.
    static func plan(
        environment: [String: String], extraBundle: String?,
        isFile: (String) -> Bool = { TrustRoots.pathKind($0) == .file },
        isDirectory: (String) -> Bool = { TrustRoots.pathKind($0) == .directory }
    ) -> (primary: Source, additional: [Source], warnings: [String]) {
        let certFile = environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let certDirs = environment["SSL_CERT_DIR"].map { $0.split(separator: ":").map(String.init) } ?? []
        var warnings: [String] = []
        var additional: [Source] = []
        let primary: Source
        if certFile == nil && certDirs.isEmpty {
            primary = .systemDefault
        } else {
            var files: [String] = []
            if let certFile {
                if isFile(certFile) {
                    files.append(certFile)
                } else {
                    warnings.append("SSL_CERT_FILE \(certFile) is not a readable file; ignored")
                }
            } else if let file = defaultFiles.first(where: isFile) {
                files.append(file)
            }
            var directories: [String] = []
            if certDirs.isEmpty {
                if isDirectory(defaultDirectory) { directories.append(defaultDirectory) }
            } else {
                for dir in certDirs {
                    if isDirectory(dir) {
                        directories.append(dir)
                    } else {
                        warnings.append("SSL_CERT_DIR entry \(dir) is not a directory; ignored")
                    }
                }
            }
            // A default hashed directory is looked up lazily by BoringSSL; user directories are read whole,
            // as Go does, because their files need not follow the c_rehash naming.
            if certDirs.isEmpty, let dir = directories.first {
                primary = .hashedDirectory(dir)
                additional += files.map(Source.pemFile)
            } else if let file = files.first {
                primary = .pemFile(file)
                additional += directories.map(Source.directory)
            } else {
                primary = .none
                additional += directories.map(Source.directory)
            }
        }
        if let extraBundle { additional.append(.pemFile(extraBundle)) }
        return (primary, additional, warnings)
    }

    enum Source: Equatable {
        case systemDefault
        case none
        case pemFile(String)
        case hashedDirectory(String)
        case directory(String)
    }

    /// Loads the planned sources. An unreadable extra bundle or `SSL_CERT_FILE` is an error.
    static func load(environment: [String: String], extraBundle: String?) throws(HTTPClientConfigurationError)
        -> TrustRoots
    {
        let (primarySource, additionalSources, warnings) = plan(environment: environment, extraBundle: extraBundle)
        let primary: NIOSSLTrustRoots
        switch primarySource {
        case .systemDefault: primary = .default
        case .none: primary = .certificates([])
        case .pemFile(let path): primary = .certificates(try certificates(inFile: path))
        case .hashedDirectory(let path): primary = .file(path)
        case .directory(let path): primary = .certificates(certificates(inDirectory: path))
        }
        var additional: [NIOSSLAdditionalTrustRoots] = []
        for source in additionalSources {
            switch source {
            case .pemFile(let path): additional.append(.certificates(try certificates(inFile: path)))
            case .directory(let path): additional.append(.certificates(certificates(inDirectory: path)))
            case .systemDefault, .none, .hashedDirectory: break
            }
        }
        return TrustRoots(primary: primary, additional: additional, warnings: warnings)
    }

    static func certificates(inFile path: String) throws(HTTPClientConfigurationError) -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw HTTPClientConfigurationError(description: "cannot read CA bundle \(path): \(error)")
        }
        guard !certificates.isEmpty else {
            throw HTTPClientConfigurationError(description: "CA bundle \(path) holds no PEM certificates")
        }
        return certificates
    }

    /// The certificates of a PEM text held in memory (a CA file read once and compared for changes).
    static func certificates(inPEM pem: [UInt8]) throws(HTTPClientConfigurationError) -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(pem)
        } catch {
            throw HTTPClientConfigurationError(description: "cannot read the CA certificates: \(error)")
        }
        guard !certificates.isEmpty else {
            throw HTTPClientConfigurationError(description: "the CA file holds no PEM certificates")
        }
        return certificates
    }

    /// Every PEM certificate in a directory's files; files that are not PEM are skipped, as Go does.
    static func certificates(inDirectory path: String) -> [NIOSSLCertificate] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().flatMap { name in (try? NIOSSLCertificate.fromPEMFile(path + "/" + name)) ?? [] }
    }

    enum PathKind { case file, directory }

    static func pathKind(_ path: String) -> PathKind? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        return isDirectory.boolValue ? .directory : .file
    }
}
