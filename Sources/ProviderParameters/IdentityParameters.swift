/// The identity-related parameters of a class, trimmed.
struct IdentityParameters {
    var usePodIdentity: Bool
    var useVMManagedIdentity: Bool
    var useAzureTokenProxy: Bool
    var clientID: String
    var userAssignedIdentityID: String
    /// The service-account tokens JSON from the attributes, else from the secrets; empty when none.
    var serviceAccountTokens: String
}
