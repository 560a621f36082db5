import ProviderParameters
import Yams

/// The identity a class selects, by the mount's own rules, and advice on it.
extension ClassRules {
    /// The flags and the mode come from the mount's own parsing; the warnings after them are lint's advice.
    mutating func checkIdentity(_ attributes: [String: String], _ parameters: Node.Mapping) {
        var enabled: [String] = []
        for key in [ParameterKey.usePodIdentity, ParameterKey.useVMManagedIdentity, ParameterKey.useAzureTokenProxy] {
            do throws(ParameterError) {
                if try GoBool.parameter(key, Self.trimmed(attributes, key)) { enabled.append(key) }
            } catch {
                add(
                    "boolean-parameter", at: "spec.parameters.\(key)", line: line(of: key, in: parameters),
                    error.message, fix: "write \(key): \"true\" or \(key): \"false\"")
            }
        }
        let clientID = Self.trimmed(attributes, ParameterKey.clientID)
        let userAssigned = Self.trimmed(attributes, ParameterKey.userAssignedIdentityID)
        var mode: IdentitySelection.Mode?
        do throws(ParameterError) {
            mode = try IdentitySelection.mode(
                usePodIdentity: enabled.contains(ParameterKey.usePodIdentity),
                useVMManagedIdentity: enabled.contains(ParameterKey.useVMManagedIdentity),
                useAzureTokenProxy: enabled.contains(ParameterKey.useAzureTokenProxy), clientID: clientID)
        } catch {
            let missingClientID = error.field == ParameterKey.clientID
            add(
                missingClientID ? "identity-client-id" : "identity-modes", at: "spec.parameters.\(error.field)",
                line: missingClientID ? nil : line(of: error.field, in: parameters), error.message,
                fix: missingClientID
                    ? "set clientID to the client id of the managed identity bound to the cluster"
                    : "keep one of them \"true\" and remove the others")
        }
        if enabled.contains(ParameterKey.usePodIdentity) {
            add(
                "pod-identity-deprecated", .warning, at: "spec.parameters.usePodIdentity",
                line: line(of: ParameterKey.usePodIdentity, in: parameters),
                "usePodIdentity uses aad-pod-identity, which is deprecated and archived upstream",
                fix: "move to workload identity: remove usePodIdentity, set clientID to the identity's client id and"
                    + " federate it with the pod's service account")
        }
        if enabled.contains(ParameterKey.useVMManagedIdentity) && !clientID.isEmpty && userAssigned.isEmpty {
            add(
                "identity-client-id", .warning, at: "spec.parameters.clientID",
                line: line(of: ParameterKey.clientID, in: parameters),
                "clientID is ignored with useVMManagedIdentity: the system-assigned identity is used",
                fix: "to use a user-assigned identity, rename clientID to userAssignedIdentityID")
        }
        if !userAssigned.isEmpty && !enabled.contains(ParameterKey.useVMManagedIdentity) {
            add(
                "identity-client-id", .warning, at: "spec.parameters.userAssignedIdentityID",
                line: line(of: ParameterKey.userAssignedIdentityID, in: parameters),
                "userAssignedIdentityID is only read with useVMManagedIdentity: \"true\"",
                fix: "add useVMManagedIdentity: \"true\", or for workload identity use clientID instead")
        }
        // A service principal comes from nodePublishSecretRef. When the volumes that use the class have none,
        // the user most likely meant workload identity and forgot clientID.
        if mode == .servicePrincipal {
            for volume in volumes where !volume.hasNodePublishSecretRef {
                add(
                    "identity-missing", at: "spec.parameters.clientID", line: nil,
                    "no identity is configured: without clientID, usePodIdentity, useVMManagedIdentity or"
                        + " useAzureTokenProxy the provider uses a service principal from nodePublishSecretRef, and"
                        + " the volume at \(volume.path) in \(volume.document.resource) (\(volume.document.file)) has none",
                    fix: "for workload identity set clientID to the client id of the identity federated with the pod's"
                        + " service account; else add nodePublishSecretRef with clientid and clientsecret")
            }
        }
    }
}
