import AzureAuth
import AzureCloud
import AzureHTTP
import Foundation
import KeyVaultIdentifiers
import Logging
import ProviderMetrics
import Synchronization

/// Reads secrets, keys, certificates and version listings from one vault.
///
/// The first request carries a token for the cloud's Key Vault scope, so no unauthenticated challenge
/// round trip is spent; with a cached token a read is one round trip. A 401 is answered once: the token
/// is evicted and a new one fetched, for the challenge's scope when Key Vault names one (after checking
/// that it belongs to the vault's domain).
public struct VaultClient: VaultReading {
    /// The Go provider v1.8.2 sends 7.4 (azsecrets v0.13, azkeys v0.11, azcertificates v0.10); the same
    /// version keeps answers byte-identical to what its users get today.
    public static let apiVersion = "7.4"
    /// A listing longer than this many pages is treated as a loop (25 versions per page).
    static let maximumPages = 1000

    private let http: AzureHTTPClient
    private let tokens: TokenCache
    private let credential: any TokenCredential
    private let baseURL: String
    private let vault: URLComponents
    private let initialScope: String
    private let logger: Logger
    /// The vault's place in the process-wide request limit (`nil`: unlimited).
    private let gate: RequestGate?
    /// Where concurrent reads of other mounts are joined (`nil`: every read is sent).
    private let sharing: ReadSharing?
    private let counters = Counters()
    public var retryPolicy: RetryPolicy = .standard

    /// Counts of this client's reads; a class so that copies of the client count together.
    private final class Counters: Sendable {
        let sent = Atomic<Int>(0)
        let shared = Atomic<Int>(0)
    }

    public init(
        http: AzureHTTPClient, tokens: TokenCache, credential: any TokenCredential, environment: AzureEnvironment,
        vaultName: String, logger: Logger, gate: RequestGate? = nil, sharing: ReadSharing? = nil
    ) throws(KeyVaultError) {
        guard Self.isSafeVaultName(vaultName) else {
            throw KeyVaultError(
                kind: .invalidRequest,
                message: "invalid keyvaultName \"\(vaultName)\": only letters, digits and hyphens are allowed")
        }
        try self.init(
            http: http, tokens: tokens, credential: credential,
            vaultBaseURL: environment.vaultURL(vaultName: vaultName),
            scope: environment.keyVaultScope, logger: logger, gate: gate, sharing: sharing)
    }

    /// Any base URL (tests point it at a loopback server under a vault-like name).
    package init(
        http: AzureHTTPClient, tokens: TokenCache, credential: any TokenCredential, vaultBaseURL: String, scope: String,
        logger: Logger, gate: RequestGate? = nil, sharing: ReadSharing? = nil
    ) throws(KeyVaultError) {
        let base = vaultBaseURL.hasSuffix("/") ? vaultBaseURL : vaultBaseURL + "/"
        guard let vault = URLComponents(string: base), vault.host?.isEmpty == false else {
            throw KeyVaultError(kind: .invalidRequest, message: "invalid vault URL \(vaultBaseURL)")
        }
        self.http = http
        self.tokens = tokens
        self.credential = credential
        self.baseURL = base
        self.vault = vault
        self.initialScope = scope
        self.logger = logger
        self.gate = gate
        self.sharing = sharing
    }

    public var statistics: ReadStatistics {
        ReadStatistics(sent: counters.sent.load(ordering: .relaxed), shared: counters.shared.load(ordering: .relaxed))
    }

    public func getSecret(name: String, version: String, deadline: ContinuousClock.Instant) async throws(KeyVaultError)
        -> SecretBundle
    {
        try await getObject(SecretBundle.self, type: .secret, name: name, version: version, deadline: deadline)
    }

    public func getKey(name: String, version: String, deadline: ContinuousClock.Instant) async throws(KeyVaultError)
        -> KeyBundle
    {
        try await getObject(KeyBundle.self, type: .key, name: name, version: version, deadline: deadline)
    }

    public func getCertificate(name: String, version: String, deadline: ContinuousClock.Instant)
        async throws(KeyVaultError) -> CertificateBundle
    {
        try await getObject(CertificateBundle.self, type: .cert, name: name, version: version, deadline: deadline)
    }

    /// Every version of an object, following `nextLink` until it is null, in the service's order (which is
    /// unspecified: callers that need an order sort, so there is one rule, theirs). Disabled versions are
    /// included (see `enabled`).
    public func listVersions(of type: ObjectType, name: String, deadline: ContinuousClock.Instant)
        async throws(KeyVaultError) -> [VersionItem]
    {
        try await shared(type, name, version: nil, deadline: deadline) { () async throws(KeyVaultError) in
            try await listAllVersions(of: type, name: name, deadline: deadline)
        }
    }

    // MARK: - Internals

    /// Sends the read, or joins the same read of another mount when there is a `sharing`.
    private func shared<Answer: Sendable>(
        _ type: ObjectType, _ name: String, version: String?, deadline: ContinuousClock.Instant,
        _ perform: () async throws(KeyVaultError) -> Answer
    ) async throws(KeyVaultError) -> Answer {
        guard let sharing else {
            counters.sent.add(1, ordering: .relaxed)
            return try await perform()
        }
        let key = ReadSharing.Key(
            identity: credential.cacheKey(scope: initialScope), vault: baseURL, type: type, name: name, version: version
        )
        let (answer, joined) = try await sharing.read(key, deadline: deadline) { () async throws(KeyVaultError) in
            counters.sent.add(1, ordering: .relaxed)
            return try await perform()
        }
        if joined { counters.shared.add(1, ordering: .relaxed) }
        return answer
    }

    private func listAllVersions(of type: ObjectType, name: String, deadline: ContinuousClock.Instant)
        async throws(KeyVaultError) -> [VersionItem]
    {
        var url =
            "\(baseURL)\(type.collection)/\(PercentEncoding.component(name))/versions?api-version=\(Self.apiVersion)"
        var items: [VersionItem] = []
        var visited: Set<String> = []
        for _ in 0..<Self.maximumPages {
            visited.insert(url)
            let response = try await authorizedGet(url, deadline: deadline)
            let page: VersionPage
            do throws(ResponseDecodingError) {
                page = try ResponseDecoding.decode(VersionPage.self, from: response.body)
                items += try page.items()
            } catch {
                throw KeyVaultError(
                    kind: .malformedResponse, message: "malformed version listing from Key Vault: \(error.detail)")
            }
            guard let next = page.nextLink, !next.isEmpty else { return items }
            // Used verbatim as the Go SDK does, but only on the vault itself: the token goes with it.
            guard let nextComponents = URLComponents(string: next), Self.sameOrigin(nextComponents, vault) else {
                throw KeyVaultError(
                    kind: .invalidNextLink,
                    message: "version listing nextLink points outside the vault \(vault.host ?? ""): refused")
            }
            guard !visited.contains(next) else {
                throw KeyVaultError(
                    kind: .invalidNextLink, message: "version listing nextLink repeats a page already read")
            }
            url = next
        }
        throw KeyVaultError(kind: .invalidNextLink, message: "version listing exceeds \(Self.maximumPages) pages")
    }

    private func getObject<Bundle: Decodable & Sendable>(
        _ bundle: Bundle.Type, type: ObjectType, name: String, version: String, deadline: ContinuousClock.Instant
    ) async throws(KeyVaultError) -> Bundle {
        try await shared(type, name, version: version, deadline: deadline) { () async throws(KeyVaultError) in
            try await fetchObject(bundle, type: type, name: name, version: version, deadline: deadline)
        }
    }

    private func fetchObject<Bundle: Decodable>(
        _ bundle: Bundle.Type, type: ObjectType, name: String, version: String, deadline: ContinuousClock.Instant
    ) async throws(KeyVaultError) -> Bundle {
        // An empty version means latest; the SDKs then keep the trailing slash.
        // Object names are `[0-9a-zA-Z-]+` and versions hex, but encode anyway so nothing can change the path.
        let url =
            "\(baseURL)\(type.collection)/\(PercentEncoding.component(name))/\(PercentEncoding.component(version))?api-version=\(Self.apiVersion)"
        let response = try await authorizedGet(url, deadline: deadline)
        do throws(ResponseDecodingError) {
            return try ResponseDecoding.decode(bundle, from: response.body)
        } catch {
            throw KeyVaultError(
                kind: .malformedResponse, status: response.status,
                message: "malformed \(type) bundle from Key Vault: \(error.detail)")
        }
    }

    /// GET with a bearer token; on 401, one renewal (for the challenged scope if it is valid). Non-2xx
    /// answers become `.service` errors.
    private func authorizedGet(_ url: String, deadline: ContinuousClock.Instant) async throws(KeyVaultError)
        -> AzureHTTPResponse
    {
        var scope = initialScope
        var renewed = false
        while true {
            let token: AccessToken
            do throws(AuthError) {
                token = try await tokens.token(for: credential, scope: scope, deadline: deadline)
            } catch {
                throw KeyVaultError(
                    kind: .authentication, message: error.description, authError: error,
                    isDeadlineExceeded: error.isDeadlineExceeded)
            }
            let response: AzureHTTPResponse
            do throws(AzureHTTPError) {
                response = try await http.send(
                    AzureHTTPRequest(
                        url: url, headers: [("Authorization", "Bearer \(token.token)"), ("Accept", "application/json")]),
                    policy: retryPolicy, deadline: deadline, gate: gate)
            } catch {
                throw Self.transportError(error)
            }
            ProviderMetrics.keyVaultResponse(status: response.status)
            if response.isSuccess { return response }
            if response.status == 401 && !renewed {
                renewed = true
                await tokens.evict(credential.cacheKey(scope: scope), rejected: token)
                if let header = response.header("WWW-Authenticate"), let challenge = BearerChallenge.parse(header),
                    let challenged = challenge.scope
                {
                    guard challenge.resourceMatches(vault: vault) else {
                        throw KeyVaultError(
                            kind: .challengeRejected, status: 401,
                            message:
                                "challenge resource \(Redaction.scrub(challenged)) doesn't match the requested domain \(vault.host ?? "")"
                        )
                    }
                    if challenged != scope {
                        logger.info(
                            "Key Vault challenge names another scope",
                            metadata: ["scope": "\(challenged)", "vault": "\(vault.host ?? "")"])
                    }
                    scope = challenged
                }
                continue
            }
            throw Self.serviceError(response)
        }
    }

    /// No answer from the vault: why, in the terms the pipeline maps to a status. A pause that outlasts the
    /// deadline is the vault's throttling, as if it had answered 429 again.
    static func transportError(_ error: AzureHTTPError) -> KeyVaultError {
        switch error.kind {
        case .throttled:
            return KeyVaultError(kind: .service, status: 429, code: "Throttled", message: error.description)
        case .proxyRefused: return KeyVaultError(kind: .proxyRefused, message: error.description)
        case .cancelled: return KeyVaultError(kind: .cancelled, message: error.description)
        case .deadlineExceeded:
            return KeyVaultError(kind: .transport, message: error.description, isDeadlineExceeded: true)
        case .invalidURL, .connection, .tls, .timedOut, .responseTooLarge:
            return KeyVaultError(kind: .transport, message: error.description)
        }
    }

    static func serviceError(_ response: AzureHTTPResponse) -> KeyVaultError {
        struct Body: Decodable {
            struct Inner: Decodable {
                let code: String?
                let message: String?
                let innererror: InnerError?
            }
            struct InnerError: Decodable { let code: String? }
            let error: Inner?
        }
        let body = try? JSONDecoder().decode(Body.self, from: Data(response.body))
        let code = response.header("x-ms-error-code") ?? body?.error?.code
        let message =
            body?.error?.message
            ?? String(decoding: response.body.prefix(Redaction.maximumLength), as: UTF8.self).trimmingCharacters(
                in: .whitespacesAndNewlines)
        var error = KeyVaultError(kind: .service, status: response.status, message: Redaction.scrub(message))
        error.code = code.map { Redaction.scrub($0) }
        error.innerCode = body?.error?.innererror?.code.map { Redaction.scrub($0) }
        return error
    }

    /// Letters, digits and hyphens only. `ProviderParameters` validates vault names fully, but this module
    /// cannot depend on it, and the name becomes part of a host name that receives a bearer token: this
    /// check keeps any caller from pointing the client at another host (`evil.com/#`).
    static func isSafeVaultName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") }
    }

    /// Same scheme, host and port (`:443` written out equals no port, as the real service writes it).
    static func sameOrigin(_ a: URLComponents, _ b: URLComponents) -> Bool {
        func origin(_ c: URLComponents) -> (String, String, Int)? {
            guard let scheme = c.scheme?.lowercased(), let host = c.host?.lowercased(), !host.isEmpty else {
                return nil
            }
            return (scheme, host, c.port ?? (scheme == "https" ? 443 : 80))
        }
        guard let x = origin(a), let y = origin(b) else { return false }
        return x == y
    }
}
