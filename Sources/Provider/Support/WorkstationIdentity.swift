import AzureAuth
import Foundation

/// The credential a workstation mount brings in place of what the driver would: the pod's service-account token
/// (workload identity) or the nodePublishSecretRef secret (service principal). Read from files so that no
/// credential appears on a command line (shell history, `ps`).
enum WorkstationIdentity: Sendable, Equatable {
    /// Nothing: VM managed identity and pod identity need no credential from the pod.
    case none
    /// A service-account token for `api://AzureADTokenExchange`.
    case serviceAccountToken(String)
    /// `clientid` / `clientsecret` of the nodePublishSecretRef secret.
    case servicePrincipal(clientID: String, clientSecret: String)

    /// Credential files are small; anything larger is the wrong file.
    static let maximumFileBytes = 64 * 1024

    /// The file's text, trimmed (a trailing newline from `kubectl create token > file` is not part of a token).
    /// The message names the file and the flag, never the contents.
    static func readCredentialFile(_ path: String, flag: String) throws(MountInputError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MountInputError("\(flag) \(path): cannot read the file (missing or not readable)")
        }
        guard data.count <= maximumFileBytes else {
            throw MountInputError("\(flag) \(path): larger than \(maximumFileBytes) bytes, not a credential file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MountInputError("\(flag) \(path): not UTF-8 text")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw MountInputError("\(flag) \(path): the file is empty") }
        return trimmed
    }
}
