import AzureHTTP
import Foundation
import Logging
import Synchronization

/// The connection to AKS's identity-binding token proxy, shared by every identity-binding mount.
///
/// The proxy must be reached at its address (`--token-proxy-url`) while TLS sends and verifies another name
/// (the SNI name). AsyncHTTPClient sends the URL's host as SNI, so requests name the SNI name as host and a
/// companion client's `dnsOverride` maps that name to the proxy's host: SNI, certificate verification and
/// `Host` all carry the SNI name, as with `curl --resolve` in AKS's documentation. The companion trusts only
/// the CA file, which is read before every request (kubelet rotates it in place) and gets a new companion
/// when its bytes change, as azidentity rebuilds its transport.
public final class TokenProxyTransport: Sendable {
    public let settings: TokenProxySettings
    private let http: AzureHTTPClient
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        /// From `--sni-name`, or once computed (the cluster id never changes); failures are not remembered.
        var serverName: String?
        var caPEM: [UInt8]?
        var client: AzureHTTPClient?
    }

    /// What a token request needs: the client to send it with, the name to put in its URL.
    struct Connection {
        let client: AzureHTTPClient
        let serverName: String
        let endpoint: TokenProxyEndpoint
    }

    /// - Parameter http: the process-wide client; it makes (and shuts down) the proxy's companion clients.
    public init(settings: TokenProxySettings, http: AzureHTTPClient, logger: Logger) {
        self.settings = settings
        self.http = http
        self.logger = logger
        state.withLock { $0.serverName = settings.sniName }
    }

    func connection(deadline: ContinuousClock.Instant) async throws(AuthError) -> Connection {
        let endpoint = try settings.endpoint()
        let pem = try readCA()
        let serverName = try await serverName(endpoint: endpoint, caPEM: pem, deadline: deadline)
        let client: AzureHTTPClient = try state.withLock { state throws(AuthError) in
            if let client = state.client, state.caPEM == pem { return client }
            let client: AzureHTTPClient
            do throws(HTTPClientConfigurationError) {
                client = try http.companion(trustPEM: pem, dnsOverride: [serverName: endpoint.host])
            } catch {
                throw configuration("CA file \(settings.caFile): \(error.description)")
            }
            if state.client != nil {
                logger.info("token proxy CA file changed", metadata: ["file": "\(settings.caFile)"])
            }
            state.caPEM = pem
            state.client = client
            return client
        }
        return Connection(client: client, serverName: serverName, endpoint: endpoint)
    }

    private func readCA() throws(AuthError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: settings.caFile) else {
            throw configuration(
                "cannot read the token proxy's CA file \(settings.caFile) (set --token-proxy-ca-file to the CA that"
                    + " signs the proxy's certificate)")
        }
        // Empty while kubelet rewrites it: a failed mount is retried, an empty trust store would fail anyway.
        guard !data.isEmpty else { throw configuration("the token proxy's CA file \(settings.caFile) is empty") }
        return Array(data)
    }

    private func serverName(
        endpoint: TokenProxyEndpoint, caPEM: [UInt8], deadline: ContinuousClock.Instant
    ) async throws(AuthError) -> String {
        if let known = state.withLock({ $0.serverName }) { return known }
        let names: [String]
        do throws(AzureHTTPError) {
            names = try await ServerCertificateNames.dnsNames(
                host: endpoint.host, port: endpoint.certificatePort, trustPEM: caPEM, deadline: deadline)
        } catch {
            throw AuthError(
                kind: .transport, mode: .identityBinding, isDeadlineExceeded: error.kind == .deadlineExceeded,
                description: "IdentityBindingCredential: cannot read the API server certificate to compute the token"
                    + " proxy's TLS server name: \(error) (set --sni-name to skip this)")
        }
        guard let clusterID = IdentityBindingServerName.clusterID(dnsNames: names) else {
            throw configuration(
                "the certificate of \(endpoint.host):\(endpoint.certificatePort) has no"
                    + " hcp-kubernetes.<id>.svc.cluster.local name to compute the token proxy's TLS server name from"
                    + " (set --sni-name)")
        }
        let computed = IdentityBindingServerName.serverName(clusterID: clusterID)
        logger.info("identity binding: token proxy TLS server name computed", metadata: ["sni": "\(computed)"])
        state.withLock { $0.serverName = computed }
        return computed
    }

    private func configuration(_ text: String) -> AuthError {
        AuthError(
            kind: .invalidConfiguration, mode: .identityBinding, description: "IdentityBindingCredential: \(text)")
    }
}
