import AzureAuth
import Foundation
import MountPipeline
import ProviderParameters

/// Builds the Mount request the driver would send for a SecretProviderClass and a pod: the class's
/// `spec.parameters` overlaid by the pod attributes the driver adds, the node-publish secrets, and the default
/// file mode 0644 (`"420"`, as the driver marshals it).
struct MountRequestBuilder: Sendable {
    static let defaultPermission = "420"
    static let workloadIdentityAudience = "api://AzureADTokenExchange"
    static let identityBindingAudience = "api://AKSIdentityBinding"

    var manifest: SecretProviderClassManifest
    var pod: PodInfo
    var identity: WorkstationIdentity

    var attributes: [String: String] {
        var attributes = manifest.parameters
        // The driver's volume context wins over the class's parameters, as in NodePublishVolume.
        attributes[ParameterKey.podName] = pod.name
        attributes[ParameterKey.podNamespace] = pod.namespace
        attributes[ParameterKey.secretProviderClass] = manifest.name
        if case .serviceAccountToken(let token) = identity {
            attributes[ParameterKey.serviceAccountTokens] = Self.tokensAttribute(token: token, audience: audience)
        }
        return attributes
    }

    /// The audience the class's identity mode reads the token from: identity binding's when the class sets
    /// `useAzureTokenProxy` (an unreadable value is left for the mount to report), else workload identity's.
    var audience: String {
        let flag = manifest.parameters[ParameterKey.useAzureTokenProxy]?.trimmingCharacters(in: .whitespaces) ?? ""
        let binding = (try? GoBool.parameter(ParameterKey.useAzureTokenProxy, flag)) ?? false
        return binding ? Self.identityBindingAudience : Self.workloadIdentityAudience
    }

    /// The nodePublishSecretRef secret's data, or `nil` (marshalled `null`, as the driver sends it) without one.
    var secrets: [String: String]? {
        guard case .servicePrincipal(let clientID, let clientSecret) = identity else { return nil }
        return ["clientid": clientID, "clientsecret": clientSecret]
    }

    var input: MountInput {
        MountInput(
            attributes: Self.json(attributes), secrets: secrets.map(Self.json) ?? "null",
            permission: Self.defaultPermission)
    }

    /// `{"<audience>":{"token":"...","expirationTimestamp":"..."}}`, the driver's
    /// `csi.storage.k8s.io/serviceAccount.tokens`. The expiry comes from the JWT's `exp` when it is readable;
    /// without it the entry has no `expirationTimestamp`.
    static func tokensAttribute(token: String, audience: String = workloadIdentityAudience) -> String {
        var entry = ["token": token]
        if let expiry = JWTExpiry.expiry(of: token) {
            entry["expirationTimestamp"] = expiry.formatted(Date.ISO8601FormatStyle())
        }
        let data = try? JSONSerialization.data(
            withJSONObject: [audience: entry], options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data ?? Data(), as: UTF8.self)
    }

    /// A JSON object of strings, as Go's json.Marshal writes a map[string]string (sorted keys).
    static func json(_ map: [String: String]) -> String {
        let data = try? JSONSerialization.data(withJSONObject: map, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data ?? Data("{}".utf8), as: UTF8.self)
    }
}
