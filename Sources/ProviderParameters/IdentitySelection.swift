import Foundation

/// Which credential a mount uses, chosen from the class parameters and the NodePublish secrets. Pure: the auth
/// module turns it into a token.
public enum IdentitySelection: Sendable, Equatable {
    /// `clientID` + the pod's `api://AzureADTokenExchange` token, exchanged at Entra ID.
    case workloadIdentity(clientID: String, token: ServiceAccountToken)
    /// `clientid` / `clientsecret` from the nodePublishSecretRef secret.
    case servicePrincipal(clientID: String, clientSecret: String)
    /// IMDS; `nil` = the VM's system-assigned identity, else a user-assigned identity's client id.
    case vmManagedIdentity(userAssignedIdentityID: String?)
    /// aad-pod-identity's NMI (deprecated upstream).
    case podIdentity(podName: String, podNamespace: String)
    /// AKS identity binding (`useAzureTokenProxy`): `clientID` + the pod's `api://AKSIdentityBinding` token,
    /// exchanged through the cluster's token proxy instead of at Entra ID directly.
    case identityBinding(clientID: String, token: ServiceAccountToken)

    /// For logs and metrics labels; never includes a credential.
    public var modeName: String {
        switch self {
        case .workloadIdentity: return "workload identity"
        case .servicePrincipal: return "service principal"
        case .vmManagedIdentity(let id):
            return id == nil ? "VM managed identity (system-assigned)" : "VM managed identity (user-assigned)"
        case .podIdentity: return "pod identity"
        case .identityBinding: return "identity binding"
        }
    }
}

extension IdentitySelection {
    /// The credential kinds, before the pod's tokens or the secrets are looked at.
    public enum Mode: Sendable, Equatable {
        case workloadIdentity, servicePrincipal, vmManagedIdentity, podIdentity, identityBinding
    }

    /// The mode the class's flags choose: at most one of the three `use...` flags; with none, workload identity
    /// when `clientID` is set, else a service principal from the nodePublishSecretRef secret. Public so `lint`
    /// applies the mount's rules rather than a copy of them.
    public static func mode(
        usePodIdentity: Bool, useVMManagedIdentity: Bool, useAzureTokenProxy: Bool, clientID: String
    ) throws(ParameterError) -> Mode {
        let enabled = [
            ("usePodIdentity", usePodIdentity),
            ("useVMManagedIdentity", useVMManagedIdentity),
            ("useAzureTokenProxy", useAzureTokenProxy),
        ].filter(\.1).map(\.0)
        if enabled.count > 1 {
            throw ParameterError(
                field: enabled[1],
                message: "only one identity mode can be enabled at a time: \(enabled.joined(separator: " and "))"
                    + (enabled.count == 2 ? " are both" : " are all") + " set to true; keep one")
        }
        if usePodIdentity { return .podIdentity }
        if useVMManagedIdentity { return .vmManagedIdentity }
        if useAzureTokenProxy {
            guard !clientID.isEmpty else {
                throw ParameterError(
                    field: "clientID",
                    message: "clientID is not provided: useAzureTokenProxy (identity binding) needs the client id of"
                        + " the managed identity in clientID")
            }
            return .identityBinding
        }
        return clientID.isEmpty ? .servicePrincipal : .workloadIdentity
    }

    static func select(
        _ parameters: IdentityParameters, secrets: [String: String], pod: PodInfo
    ) throws(ParameterError) -> IdentitySelection {
        let mode = try Self.mode(
            usePodIdentity: parameters.usePodIdentity, useVMManagedIdentity: parameters.useVMManagedIdentity,
            useAzureTokenProxy: parameters.useAzureTokenProxy, clientID: parameters.clientID)
        switch mode {
        case .podIdentity:
            return .podIdentity(podName: pod.name, podNamespace: pod.namespace)
        case .vmManagedIdentity:
            let id = parameters.userAssignedIdentityID
            return .vmManagedIdentity(userAssignedIdentityID: id.isEmpty ? nil : id)
        case .identityBinding:
            let token = try ServiceAccountTokens.token(
                for: ServiceAccountTokens.identityBindingAudience, in: parameters.serviceAccountTokens,
                mode: "identity binding (useAzureTokenProxy)")
            return .identityBinding(clientID: parameters.clientID, token: token)
        case .workloadIdentity:
            let token = try ServiceAccountTokens.token(
                for: ServiceAccountTokens.workloadIdentityAudience, in: parameters.serviceAccountTokens,
                mode: "workload identity (clientID is set)")
            return .workloadIdentity(clientID: parameters.clientID, token: token)
        case .servicePrincipal:
            let (clientID, clientSecret) = try servicePrincipalCredential(secrets)
            return .servicePrincipal(clientID: clientID, clientSecret: clientSecret)
        }
    }

    /// `clientid` and `clientsecret`, keys matched case-insensitively as the Go provider does. Errors list key
    /// names only: the Go provider prints the whole secret map, values included.
    private static func servicePrincipalCredential(_ secrets: [String: String]) throws(ParameterError) -> (
        String, String
    ) {
        let keys = secrets.keys.filter { $0 != ServiceAccountTokens.key }.sorted()
        let hint =
            "set clientID for workload identity, useVMManagedIdentity: \"true\" for a VM managed identity,"
            + " or reference a secret with clientid and clientsecret in the volume's nodePublishSecretRef"
        if keys.isEmpty {
            throw ParameterError(
                field: "nodePublishSecretRef",
                message: "failed to get credentials, nodePublishSecretRef secret is not set (no identity mode is"
                    + " enabled, so a service principal is used): \(hint)")
        }
        func value(_ wanted: String) throws(ParameterError) -> String {
            let matches = keys.filter { $0.lowercased() == wanted }
            if matches.count > 1 {
                throw ParameterError(
                    field: "nodePublishSecretRef",
                    message: "nodePublishSecretRef secret has more than one key matching \(wanted)"
                        + " (\(matches.joined(separator: ", "))); keep one")
            }
            // A trailing newline from `kubectl create secret --from-file` is never part of a credential.
            guard let key = matches.first, let found = secrets[key]?.trimmingCharacters(in: .whitespacesAndNewlines),
                !found.isEmpty
            else {
                throw ParameterError(
                    field: "nodePublishSecretRef",
                    message: "could not find \(wanted) in nodePublishSecretRef secret (keys present:"
                        + " \(keys.joined(separator: ", "))); the secret needs non-empty clientid and clientsecret")
            }
            return found
        }
        return (try value("clientid"), try value("clientsecret"))
    }
}
