import KeyVaultClient
import KeyVaultContent
import KeyVaultIdentifiers
import ProviderParameters

/// Converts Key Vault answers into the files and object versions the Go provider would answer with.
struct FileAssembler: Sendable {
    let settings: ContentSettings
    let defaultFileMode: Int32

    func files(for object: KeyVaultObject, fetched: [FetchedVersion]) throws(MountError) -> (
        [MountedFile], [ObjectVersion]
    ) {
        var files: [MountedFile] = []
        var versions: [ObjectVersion] = []
        let mode = object.filePermission ?? defaultFileMode
        for entry in fetched {
            let version = KeyVaultID(parsing: entry.bundle.id).version
            let converted: [ConvertedFile]
            do {
                converted = try convert(entry.bundle, object: object)
            } catch {
                throw MountErrorMapping.content(error, object: object, version: version)
            }
            let path = object.path(historyIndex: entry.historyIndex)
            let objectID = object.id(historyIndex: entry.historyIndex)
            for file in converted {
                files.append(MountedFile(path: path + file.suffix, mode: mode, contents: file.contents))
                versions.append(ObjectVersion(id: objectID, version: version))
            }
            guard case .secret(let secret) = entry.bundle else { continue }
            for selection in object.jmesPath {
                do {
                    let contents = try selection.path.value(inJSON: secret.value)
                    files.append(
                        MountedFile(path: selection.alias, mode: selection.filePermission ?? mode, contents: contents))
                    versions.append(ObjectVersion(id: objectID, version: version))
                } catch {
                    throw MountErrorMapping.content(error, object: object, version: version)
                }
            }
        }
        return (files, versions)
    }

    private func convert(_ bundle: FetchedVersion.Bundle, object: KeyVaultObject) throws(ContentError)
        -> [ConvertedFile]
    {
        switch bundle {
        case .secret(let secret):
            return try ContentConversion.secretFiles(
                value: secret.value, contentType: secret.contentType, isCertificateBacked: secret.kid != nil,
                format: object.format, encoding: object.encoding, settings: settings)
        case .key(let key):
            let jwk = key.key
            return [
                ConvertedFile(
                    suffix: "",
                    contents: try ContentConversion.publicKeyPEM(
                        kty: jwk.kty, crv: jwk.crv, n: jwk.n, e: jwk.e, x: jwk.x, y: jwk.y))
            ]
        case .certificate(let certificate):
            return [ConvertedFile(suffix: "", contents: try ContentConversion.certificatePEM(cer: certificate.cer))]
        }
    }
}
