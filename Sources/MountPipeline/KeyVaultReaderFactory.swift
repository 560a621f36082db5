import AzureAuth
import AzureCloud
import AzureHTTP
import KeyVaultClient
import Logging
import ProviderParameters

/// Opens vaults over the process-wide HTTPS client, with a credential for the class's identity. Credentials are
/// cheap values; what is expensive lives in process-wide state shared by every mount: tokens (`TokenCache`,
/// keyed by identity), reads under way (`ReadSharing`, joined by concurrent mounts of the same identity) and
/// each vault's request limit and `Retry-After` pause (`RequestGates`).
public struct KeyVaultReaderFactory: VaultReaderFactory {
    let http: AzureHTTPClient
    let tokens: TokenCache
    let nmiPort: Int
    let gates: RequestGates
    let sharing = ReadSharing()
    /// Identity binding's way to the cluster's token proxy (its TLS name, CA and companion client).
    let tokenProxy: TokenProxyTransport
    let logger: Logger

    /// - Parameter requestsPerVault: requests in flight to one vault at once, all mounts together.
    public init(
        http: AzureHTTPClient, tokens: TokenCache, nmiPort: Int, requestsPerVault: Int,
        tokenProxy: TokenProxySettings = TokenProxySettings(), logger: Logger
    ) {
        self.http = http
        self.tokens = tokens
        self.nmiPort = nmiPort
        self.gates = RequestGates(limit: requestsPerVault)
        self.tokenProxy = TokenProxyTransport(settings: tokenProxy, http: http, logger: logger)
        self.logger = logger
    }

    public func reader(for parameters: MountParameters, vault: String, environment: AzureEnvironment)
        throws(MountError)
        -> any VaultReading
    {
        let credential: any TokenCredential
        do {
            credential = try self.credential(
                for: parameters.identity, tenantID: parameters.tenantID, environment: environment)
        } catch {
            throw MountErrorMapping.credential(error)
        }
        do {
            return try VaultClient(
                http: http, tokens: tokens, credential: credential, environment: environment,
                vaultName: vault, logger: logger, gate: gates.gate(for: environment.vaultURL(vaultName: vault)),
                sharing: sharing)
        } catch {
            throw MountError(.invalidArgument, "failed to get vault: \(error.reason)")
        }
    }

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
                environment: environment, tenantID: tenantID, clientID: clientID, clientSecret: clientSecret, http: http
            )
        case .vmManagedIdentity(let userAssignedIdentityID):
            return ManagedIdentityCredential(userAssignedClientID: userAssignedIdentityID, http: http)
        case .podIdentity(let podName, let podNamespace):
            return try PodIdentityCredential(podName: podName, podNamespace: podNamespace, nmiPort: nmiPort, http: http)
        case .identityBinding(let clientID, let token):
            return try IdentityBindingCredential(
                tenantID: tenantID, clientID: clientID, serviceAccountToken: token.token,
                serviceAccountTokenExpiry: token.expiration, proxy: tokenProxy)
        }
    }
}
