import AzureAuth
import AzureCloud
import AzureHTTP
import ProviderParameters

/// Builds the token credential for the identity a class selected. Credentials are cheap values; what is
/// expensive (tokens) lives in the shared `TokenCache`, keyed by everything that identifies the caller.
struct CredentialFactory: Sendable {
    let http: AzureHTTPClient
    let nmiPort: Int

    func credential(
        for identity: IdentitySelection, tenantID: String, environment: AzureEnvironment
    ) throws(AuthError) -> any TokenCredential {
        switch identity {
        case .workloadIdentity(let clientID, let token):
            return try WorkloadIdentityCredential(
                environment: environment, tenantID: tenantID, clientID: clientID,
                serviceAccountToken: token.token, serviceAccountTokenExpiry: token.expiration, http: http)
        case .servicePrincipal(let clientID, let clientSecret):
            return try ServicePrincipalCredential(
                environment: environment, tenantID: tenantID, clientID: clientID, clientSecret: clientSecret, http: http)
        case .vmManagedIdentity(let userAssignedIdentityID):
            return ManagedIdentityCredential(userAssignedClientID: userAssignedIdentityID, http: http)
        case .podIdentity(let podName, let podNamespace):
            return try PodIdentityCredential(podName: podName, podNamespace: podNamespace, nmiPort: nmiPort, http: http)
        case .identityBinding:
            throw AuthError.identityBindingNotSupported
        }
    }
}
