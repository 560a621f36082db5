/// The ways a pod can prove who it is to Entra ID.
public enum IdentityMode: String, Sendable, Hashable {
    case workloadIdentity
    case servicePrincipal
    case managedIdentity
    case podIdentity
    case identityBinding

    /// The credential name Azure SDKs use in their error texts, so messages read like the Go provider's.
    var credentialName: String {
        switch self {
        case .workloadIdentity: return "WorkloadIdentityCredential"
        case .servicePrincipal: return "ClientSecretCredential"
        case .managedIdentity: return "ManagedIdentityCredential"
        case .podIdentity: return "PodIdentityCredential"
        case .identityBinding: return "IdentityBindingCredential"
        }
    }
}
