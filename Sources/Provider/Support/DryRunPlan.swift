import AzureAuth
import AzureCloud
import AzureHTTP
import KeyVaultClient
import KeyVaultIdentifiers
import ProviderParameters

/// What a mount of a validated class would send, written out without sending anything: the token request of
/// its identity mode, then one read per object (a version listing first for history objects). URLs are built
/// the way the clients build them; nothing here carries a credential.
struct DryRunPlan: Sendable {
    struct Request: Sendable, Equatable {
        var method: String
        var url: String
        /// Why it is made, e.g. `token (service principal)`, `secret/db-password`.
        var purpose: String
    }

    /// IMDS's api-version as the managed identity credential sends it (and the Go provider).
    static let imdsAPIVersion = "2018-02-01"

    var parameters: MountParameters
    var environment: AzureEnvironment
    var nmiPort: Int
    var tokenProxyURL: String = TokenProxySettings.defaultURL

    var tokenRequest: Request {
        let resource = environment.keyVaultResource
        switch parameters.identity {
        case .workloadIdentity, .servicePrincipal:
            // Azure Stack Hub's AD FS has its own token path.
            let path =
                parameters.tenantID.lowercased() == "adfs"
                ? "adfs/oauth2/token" : "\(parameters.tenantID)/oauth2/v2.0/token"
            return Request(
                method: "POST", url: environment.authorityHost + path,
                purpose: "token (\(parameters.identity.modeName), scope \(environment.keyVaultScope))")
        case .vmManagedIdentity(let userAssignedIdentityID):
            var url =
                "\(ManagedIdentityCredential.imdsEndpoint)/metadata/identity/oauth2/token?api-version=\(Self.imdsAPIVersion)"
                + "&resource=\(PercentEncoding.queryValue(resource))"
            if let userAssignedIdentityID { url += "&client_id=\(PercentEncoding.queryValue(userAssignedIdentityID))" }
            return Request(method: "GET", url: url, purpose: "token (\(parameters.identity.modeName), IMDS)")
        case .podIdentity(let podName, let podNamespace):
            return Request(
                method: "GET", url: "http://localhost:\(nmiPort)/host/token/?resource=\(resource)",
                purpose: "token (pod identity, NMI; podname \(podName), podns \(podNamespace))")
        case .identityBinding:
            // The URL as the proxy's address; the request itself names the TLS server name (see docs/auth.md).
            let base = tokenProxyURL.hasSuffix("/") ? tokenProxyURL : tokenProxyURL + "/"
            return Request(
                method: "POST", url: base + "\(parameters.tenantID)/oauth2/v2.0/token",
                purpose: "token (identity binding via the token proxy, scope \(environment.keyVaultScope))")
        }
    }

    var objectRequests: [Request] {
        let vault = environment.vaultURL(vaultName: parameters.keyvaultName)
        return parameters.objects.flatMap { object -> [Request] in
            let base = vault + object.type.collection + "/" + PercentEncoding.component(object.name)
            let query = "?api-version=\(VaultClient.apiVersion)"
            let id = object.id(historyIndex: nil)
            guard object.hasHistory else {
                return [
                    Request(
                        method: "GET", url: base + "/" + PercentEncoding.component(object.version) + query,
                        purpose: "\(id) -> \(object.fileName)")
                ]
            }
            let start = object.version.isEmpty ? "the newest" : "\(object.version) and older"
            return [
                Request(
                    method: "GET", url: base + "/versions" + query,
                    purpose: "\(id): list versions (25 per page)"),
                Request(
                    method: "GET", url: base + "/<version>" + query,
                    purpose:
                        "\(id): up to \(object.versionHistory) reads, \(start) enabled versions -> \(object.fileName)/0..\(object.versionHistory - 1)"
                ),
            ]
        }
    }

    /// The text `mount --dry-run` prints.
    func render() -> String {
        let className = parameters.className ?? "<unnamed>"
        var lines = [
            "SecretProviderClass \(className): vault \(parameters.keyvaultName) (\(environment.name)), tenant \(parameters.tenantID)",
            "identity: \(parameters.identity.modeName)\(clientIDNote), pod \(parameters.pod.namespace)/\(parameters.pod.name)",
            "\(parameters.objects.count) object\(parameters.objects.count == 1 ? "" : "s") valid; requests a mount would make (none sent):",
        ]
        let requests = [tokenRequest] + objectRequests
        let width = requests.map { $0.method.count + 1 + $0.url.count }.max() ?? 0
        for request in requests {
            let call = "\(request.method) \(request.url)"
            lines.append("  " + call.padding(toLength: width, withPad: " ", startingAt: 0) + "  # \(request.purpose)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Client ids are not secrets, and the wrong one is a common mistake: name it.
    private var clientIDNote: String {
        switch parameters.identity {
        case .workloadIdentity(let clientID, _), .servicePrincipal(let clientID, _), .identityBinding(let clientID, _):
            return ", client id \(clientID)"
        case .vmManagedIdentity(let id?): return ", client id \(id)"
        case .vmManagedIdentity(nil), .podIdentity: return ""
        }
    }
}
