import AzureAuth
import AzureHTTP
import Foundation
import Logging
import Synchronization

/// An HTTP client for loopback tests: no proxies, no real sleeping (waits are recorded instead), and the
/// given names resolved to 127.0.0.1.
public func makeTestClient(names: [String] = [], sleeps: SleepRecorder = SleepRecorder()) throws -> AzureHTTPClient {
    var settings = HTTPClientSettings(
        userAgent: HTTPClientSettings.userAgent(product: "provider-test", version: "0.0.1-test", custom: "e2e"),
        environment: [:], requestTimeout: .seconds(5), connectTimeout: .seconds(2))
    settings.dnsOverride = Dictionary(uniqueKeysWithValues: names.map { ($0, "127.0.0.1") })
    return try AzureHTTPClient(
        settings: settings, logger: Logger(label: "test"), sleep: { duration in sleeps.record(duration) })
}

/// Runs `body` with a test client and always shuts it down (AsyncHTTPClient traps on a client released
/// without `shutdown()`).
public func withTestClient(
    names: [String] = [], sleeps: SleepRecorder = SleepRecorder(), _ body: (AzureHTTPClient) async throws -> Void
) async throws {
    let http = try makeTestClient(names: names, sleeps: sleeps)
    try await run {
        try await body(http)
    } thenAlways: {
        try await http.shutdown()
    }
}

/// Runs `body`, then `cleanup` whether or not `body` threw (`defer` cannot await).
public func run(_ body: () async throws -> Void, thenAlways cleanup: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        try await cleanup()
        throw error
    }
    try await cleanup()
}

public final class SleepRecorder: Sendable {
    public init() {}
    private let waits = Mutex<[Duration]>([])
    public func record(_ duration: Duration) { waits.withLock { $0.append(duration) } }
    public var recorded: [Duration] { waits.withLock { $0 } }
}

/// A credential that counts fetches and returns tokens named after the count and scope.
public final class CountingCredential: TokenCredential {
    public let identity: CredentialIdentity
    private let counter = Mutex<(count: Int, scopes: [String])>((0, []))
    private let lifetime: TimeInterval
    private let delay: Duration
    private let failure: AuthError?
    private let now: @Sendable () -> Date

    public init(
        name: String = "a", lifetime: TimeInterval = 3600, delay: Duration = .zero, failure: AuthError? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        identity = CredentialIdentity(
            mode: .servicePrincipal, tenantID: "t", authorityHost: "https://login.test/", clientID: "c",
            material: [name])
        self.lifetime = lifetime
        self.delay = delay
        self.failure = failure
        self.now = now
    }

    public var fetches: Int { counter.withLock { $0.count } }
    public var scopes: [String] { counter.withLock { $0.scopes } }

    public func fetchToken(scope: String, deadline: ContinuousClock.Instant) async throws(AuthError) -> AccessToken {
        let n = counter.withLock { state -> Int in
            state.count += 1
            state.scopes.append(scope)
            return state.count
        }
        if delay > .zero {
            // Like a real credential: the request gives up at its deadline.
            let finish = ContinuousClock.now + delay
            try? await Task.sleep(until: min(finish, deadline), clock: .continuous)
            if deadline < finish {
                throw AuthError(kind: .transport, mode: .servicePrincipal, description: "deadline exceeded")
            }
        }
        if let failure { throw failure }
        return AccessToken(token: "token-\(n)", expiresOn: now().addingTimeInterval(lifetime))
    }
}

/// A settable wall clock.
public final class TestClock: Sendable {
    public init() {}
    private let current = Mutex<Date>(Date(timeIntervalSince1970: 1_700_000_000))
    public var now: Date { current.withLock { $0 } }
    public func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

public let farDeadline: ContinuousClock.Instant = .now + .seconds(30)

/// A JWT-shaped string with the given `exp`.
public func fakeJWT(exp: TimeInterval, subject: String = "system:serviceaccount:default:app") -> String {
    func b64url(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        )
        .replacingOccurrences(of: "=", with: "")
    }
    return b64url(#"{"alg":"RS256"}"#) + "." + b64url(#"{"sub":"\#(subject)","exp":\#(Int(exp))}"#) + ".c2lnbmF0dXJl"
}
