import KeyVaultIdentifiers
import MountPipeline

/// What `mount` prints when the mount fails: the text a pod's events would show, then one line naming the
/// usual cause and fix, chosen from the error's kind and Key Vault's or Entra ID's code in its text.
enum MountFailureReport {
    /// The prefix the provider's gRPC service gives every failed mount (the Go provider's).
    static let prefix = "failed to mount objects, error: "

    static func render(_ error: MountError) -> String {
        var text = prefix + error.message + "\n"
        if let hint = hint(for: error) { text += "hint: " + hint + "\n" }
        return text
    }

    /// `nil` when no common cause fits: a wrong hint costs more than none.
    static func hint(for error: MountError) -> String? {
        let message = error.message
        switch error.kind {
        case .permissionDenied:
            if message.contains("Disabled") || message.contains("disabled") {
                return "the object (or that version) is disabled in Key Vault: enable it, or set objectVersion to an"
                    + " enabled version"
            }
            let type = objectType(in: message)
            let role =
                type.map(rbacRole) ?? "Key Vault Secrets User, Key Vault Certificate User or Key Vault Crypto User"
            let what = type?.collection ?? "that object type"
            let permission = message.contains("list permission") ? "get and list" : "get"
            return "the identity lacks \(permission) permission on \(what) in this vault: grant it the RBAC role"
                + " \"\(role)\" on the vault, or \(permission) on \(what) in the vault's access policy"
        case .notFound:
            return "check objectName, objectType and objectVersion against the vault named in keyvaultName (and"
                + " cloudName): Key Vault has no such object or version"
        case .unauthenticated:
            if let code = ["AADSTS700211", "AADSTS700212", "AADSTS700213", "AADSTS70021"].first(where: message.contains)
            {
                return "Entra ID found no federated credential matching the service-account token (\(code)): the"
                    + " identity needs one for the cluster's OIDC issuer, subject system:serviceaccount:<namespace>:<name>"
                    + " and audience api://AzureADTokenExchange"
            }
            if message.contains("AADSTS7000215") || message.contains("AADSTS7000222") {
                return "the client secret is wrong or expired: pass the current secret of that client id in"
                    + " --client-secret-file"
            }
            if message.contains("AADSTS700024") {
                return "the service-account token has expired or is not yet valid: create a new one"
            }
            return "the credential was refused: check the federated identity credential (workload identity) or"
                + " the client id and secret (service principal)"
        case .invalidArgument:
            if message.contains("api://AzureADTokenExchange") && message.contains("not found") {
                return "this class uses workload identity (clientID is set): pass --service-account-token FILE with a"
                    + " token for audience api://AzureADTokenExchange (kubectl create token <service account>"
                    + " --audience api://AzureADTokenExchange)"
            }
            if message.contains("api://AKSIdentityBinding") && message.contains("not found") {
                return "this class uses identity binding (useAzureTokenProxy): pass --service-account-token FILE with"
                    + " a token for audience api://AKSIdentityBinding (kubectl create token <service account>"
                    + " --audience api://AKSIdentityBinding)"
            }
            if message.contains("nodePublishSecretRef") {
                return "this class sets no identity mode, so a service principal is used: pass --client-id ID and"
                    + " --client-secret-file FILE"
            }
            return nil
        case .unavailable, .deadlineExceeded:
            // A workstation has no IMDS and usually no NMI: the mode, not the network, is the problem.
            if message.contains("ManagedIdentityCredential") {
                return "VM managed identity gets its token from IMDS (169.254.169.254), which answers only on an"
                    + " Azure VM: run this there, or test with --client-id/--client-secret-file or a workload"
                    + " identity token"
            }
            if message.contains("IdentityBindingCredential") {
                return "identity binding gets its token from the cluster's token proxy (--token-proxy-url): run this"
                    + " where the proxy is reachable, with its CA (--token-proxy-ca-file) and TLS name (--sni-name)"
            }
            if message.contains("PodIdentityCredential") || message.contains("/host/token/") {
                return "pod identity gets its token from aad-pod-identity's NMI on localhost (--nmi-port): run this"
                    + " on a node where NMI runs"
            }
            if error.kind == .deadlineExceeded {
                return "the mount ran out of time: check the network path to Azure, or raise --mount-timeout"
            }
            return "Azure could not be reached: check HTTPS_PROXY / NO_PROXY and the trusted CAs (--extra-ca-bundle,"
                + " SSL_CERT_FILE)"
        case .resourceExhausted:
            return "Key Vault or Entra ID is throttling this caller: try again later"
        case .internalError:
            return nil
        }
    }

    /// `objectType:<t>` from the Go provider's `failed to get objectType:secret, objectName:...` prefix.
    static func objectType(in message: String) -> ObjectType? {
        guard let range = message.range(of: "objectType:") else { return nil }
        return ObjectType(rawValue: String(message[range.upperBound...].prefix { $0.isLetter }))
    }

    /// The built-in role that grants reading that object type's values.
    static func rbacRole(_ type: ObjectType) -> String {
        switch type {
        case .secret: return "Key Vault Secrets User"
        case .key: return "Key Vault Crypto User"
        case .cert: return "Key Vault Certificate User"
        }
    }
}
