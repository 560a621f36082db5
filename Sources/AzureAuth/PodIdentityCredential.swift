import AzureHTTP
import Foundation

/// aad-pod-identity (deprecated): the node's NMI hands out the token of the identity bound to the pod,
/// recognising the pod by the `podname` and `podns` headers. Plain HTTP to localhost.
public struct PodIdentityCredential: TokenCredential, CustomStringConvertible {
    public static let defaultPort = 2579

    public let identity: CredentialIdentity
    private let podName: String
    private let podNamespace: String
    private let port: Int
    private let http: AzureHTTPClient
    /// NMI retries towards Entra itself and the Go provider does not retry NMI at all; only a briefly
    /// unavailable NMI (restarting, overloaded) is retried here. Its 400/403/404/500 answers are final.
    public var retryPolicy = RetryPolicy(
        maxAttempts: 3, baseDelay: .milliseconds(500), maxDelay: .seconds(2), retryableStatuses: [502, 503, 504])

    public init(
        podName: String, podNamespace: String, nmiPort: Int = PodIdentityCredential.defaultPort, http: AzureHTTPClient
    ) throws(AuthError) {
        guard !podName.isEmpty, !podNamespace.isEmpty else {
            throw AuthError(
                kind: .invalidConfiguration, mode: .podIdentity,
                description: "pod identity needs the pod name and namespace from the mount request")
        }
        // The names go into HTTP headers: refuse anything a Kubernetes name cannot contain.
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789-.")
        guard podName.unicodeScalars.allSatisfy(allowed.contains),
            podNamespace.unicodeScalars.allSatisfy(allowed.contains)
        else {
            throw AuthError(
                kind: .invalidConfiguration, mode: .podIdentity,
                description: "pod identity: invalid pod name or namespace")
        }
        self.identity = CredentialIdentity(
            mode: .podIdentity, tenantID: "", authorityHost: "localhost:\(nmiPort)", clientID: "",
            material: [podNamespace, podName])
        self.podName = podName
        self.podNamespace = podNamespace
        self.port = nmiPort
        self.http = http
    }

    public func fetchToken(scope: String, deadline: ContinuousClock.Instant) async throws(AuthError) -> AccessToken {
        // The resource is not URL-encoded, exactly as the Go provider sends it.
        let url = "http://localhost:\(port)/host/token/?resource=\(resource(forScope: scope))"
        let response: AzureHTTPResponse
        do throws(AzureHTTPError) {
            response = try await http.send(
                AzureHTTPRequest(url: url, headers: [("podname", podName), ("podns", podNamespace)]),
                policy: retryPolicy, deadline: deadline)
        } catch {
            throw AuthError.transport(.podIdentity, error)
        }
        guard response.status == 200 else {
            // The Go provider's wording. NMI's bodies are short plain-text errors, but they are scrubbed
            // and cut anyway: a misbehaving endpoint must not get a token into logs through this path.
            let body = Redaction.scrub(
                String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            throw AuthError(
                kind: .rejected, mode: .podIdentity, status: response.status,
                description: "nmi response failed with status code: \(response.status), response body: \(body)")
        }
        struct NMIResponse: Decodable {
            let token: OAuthTokenFields?
            let clientid: String?
        }
        guard let decoded = try? JSONDecoder().decode(NMIResponse.self, from: Data(response.body)),
            let clientID = decoded.clientid, !clientID.isEmpty, let token = decoded.token?.accessToken(now: Date())
        else {
            throw AuthError(
                kind: .malformedResponse, mode: .podIdentity, status: response.status,
                description: "nmi did not return expected values in response: token and clientid")
        }
        return token
    }
}
