import AzureCloud
import Foundation
import TestSupport
import Testing

@testable import AzureAuth

@Suite struct TokenCacheTests {
    let scope = "https://vault.azure.net/.default"

    @Test func fiftyConcurrentCallersMakeOneRequest() async throws {
        let cache = TokenCache()
        let credential = CountingCredential(delay: .milliseconds(100))
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 {
                group.addTask { try await cache.token(for: credential, scope: scope, deadline: farDeadline).token }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(credential.fetches == 1)
        #expect(Set(tokens) == ["token-1"])
        let stats = await cache.statistics
        #expect(stats.fetches == 1 && stats.entries == 1)
    }

    @Test func aSharedFailureReachesEveryWaiterAndIsNotCached() async {
        let cache = TokenCache()
        let failure = AuthError(kind: .rejected, mode: .servicePrincipal, status: 401, description: "nope")
        let credential = CountingCredential(delay: .milliseconds(100), failure: failure)
        let failures = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    do throws(AuthError) {
                        _ = try await cache.token(for: credential, scope: scope, deadline: farDeadline)
                        return false
                    } catch { return error == failure }
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(failures == 10)
        #expect(credential.fetches == 1)
        _ = try? await cache.token(for: credential, scope: scope, deadline: farDeadline)
        #expect(credential.fetches == 2)
        #expect(await cache.statistics.entries == 0)
    }

    @Test func aWaiterLeavesAtItsOwnDeadline() async throws {
        let cache = TokenCache()
        let credential = CountingCredential(delay: .seconds(30))
        let patient = Task { try await cache.token(for: credential, scope: scope, deadline: farDeadline) }
        try await Task.sleep(for: .milliseconds(10))
        let started = ContinuousClock.now
        await #expect(throws: AuthError.self) {
            try await cache.token(for: credential, scope: scope, deadline: .now + .milliseconds(200))
        }
        // Far less than the 30 s flight, even on a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(10))
        patient.cancel()
    }

    @Test func aCancelledWaiterReturnsAtOnce() async throws {
        let cache = TokenCache()
        let credential = CountingCredential(delay: .seconds(30))
        let started = ContinuousClock.now
        let waiter = Task { try await cache.token(for: credential, scope: scope, deadline: farDeadline) }
        try await Task.sleep(for: .milliseconds(100))
        waiter.cancel()
        await #expect(throws: AuthError.self) { try await waiter.value }
        // Far less than the 30 s flight, even on a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    /// A mount about to time out starts the request; a mount with a fresh deadline joins it and still gets
    /// the token: the shared request is not bound to the starter's deadline.
    @Test func aLateCallerIsNotBoundByTheStartersDeadline() async throws {
        let cache = TokenCache()
        let credential = CountingCredential(delay: .milliseconds(400))
        let early = Task { try await cache.token(for: credential, scope: scope, deadline: .now + .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(10))
        let token = try await cache.token(for: credential, scope: scope, deadline: farDeadline)
        #expect(token.token == "token-1")
        await #expect(throws: AuthError.self) { try await early.value }
        #expect(credential.fetches == 1)
    }

    @Test func refreshesFiveMinutesAheadOfALongToken() async throws {
        let clock = TestClock()
        let cache = TokenCache(now: { clock.now })
        let credential = CountingCredential(lifetime: 3600, now: { clock.now })
        _ = try await cache.token(for: credential, scope: scope, deadline: farDeadline)
        clock.advance(3600 - 301)
        _ = try await cache.token(for: credential, scope: scope, deadline: farDeadline)
        #expect(credential.fetches == 1)
        clock.advance(2)
        #expect(try await cache.token(for: credential, scope: scope, deadline: farDeadline).token == "token-2")
        #expect(credential.fetches == 2)
    }

    @Test func refreshesAtHalfLifeOfAShortToken() async throws {
        let clock = TestClock()
        let cache = TokenCache(now: { clock.now })
        let credential = CountingCredential(lifetime: 120, now: { clock.now })
        _ = try await cache.token(for: credential, scope: scope, deadline: farDeadline)
        clock.advance(59)
        _ = try await cache.token(for: credential, scope: scope, deadline: farDeadline)
        #expect(credential.fetches == 1)
        clock.advance(2)
        _ = try await cache.token(for: credential, scope: scope, deadline: farDeadline)
        #expect(credential.fetches == 2)
    }

    @Test func aFailedRenewalServesTheStillValidToken() async throws {
        let clock = TestClock()
        let cache = TokenCache(now: { clock.now })
        let good = CountingCredential(name: "same", lifetime: 3600, now: { clock.now })
        _ = try await cache.token(for: good, scope: scope, deadline: farDeadline)
        clock.advance(3400)
        let failing = CountingCredential(
            name: "same", failure: AuthError(kind: .transport, mode: .servicePrincipal, description: "down"))
        #expect(try await cache.token(for: failing, scope: scope, deadline: farDeadline).token == "token-1")
        clock.advance(180)
        await #expect(throws: AuthError.self) {
            try await cache.token(for: failing, scope: scope, deadline: farDeadline)
        }
    }

    @Test func evictForcesANewRequest() async throws {
        let cache = TokenCache()
        let credential = CountingCredential()
        _ = try await cache.token(for: credential, scope: scope, deadline: farDeadline)
        await cache.evict(credential.cacheKey(scope: scope))
        #expect(try await cache.token(for: credential, scope: scope, deadline: farDeadline).token == "token-2")
        #expect(await cache.statistics.evictions == 1)
    }

    @Test func aLate401DoesNotEvictTheRenewedToken() async throws {
        let cache = TokenCache()
        let credential = CountingCredential()
        let key = credential.cacheKey(scope: scope)
        let first = try await cache.token(for: credential, scope: scope, deadline: farDeadline)
        await cache.evict(key, rejected: first)
        let renewed = try await cache.token(for: credential, scope: scope, deadline: farDeadline)
        #expect(renewed.token == "token-2")
        // A second mount's 401 for the old token arrives after the renewal: the new token stays.
        await cache.evict(key, rejected: first)
        #expect(try await cache.token(for: credential, scope: scope, deadline: farDeadline).token == "token-2")
        #expect(await cache.statistics.evictions == 1)
    }

    @Test func capacityEvictsTheLeastRecentlyUsed() async throws {
        let cache = TokenCache(capacity: 2)
        let a = CountingCredential(name: "a")
        let b = CountingCredential(name: "b")
        let c = CountingCredential(name: "c")
        _ = try await cache.token(for: a, scope: scope, deadline: farDeadline)
        _ = try await cache.token(for: b, scope: scope, deadline: farDeadline)
        _ = try await cache.token(for: a, scope: scope, deadline: farDeadline)  // a is now more recent than b
        _ = try await cache.token(for: c, scope: scope, deadline: farDeadline)
        #expect(await cache.statistics.entries == 2)
        _ = try await cache.token(for: a, scope: scope, deadline: farDeadline)
        #expect(a.fetches == 1)
        _ = try await cache.token(for: b, scope: scope, deadline: farDeadline)
        #expect(b.fetches == 2)
    }

    @Test func scopesAreCachedSeparately() async throws {
        let cache = TokenCache()
        let credential = CountingCredential()
        _ = try await cache.token(for: credential, scope: scope, deadline: farDeadline)
        _ = try await cache.token(for: credential, scope: "https://vault.azure.cn/.default", deadline: farDeadline)
        #expect(credential.fetches == 2)
    }
}

@Suite struct CacheKeyTests {
    let environment = CloudName.azurePublicCloud.builtInEnvironment!

    @Test func differentServiceAccountTokensNeverShare() async throws {
        try await withTestClient { http in
            let a = try WorkloadIdentityCredential(
                environment: environment, tenantID: "t", clientID: "c",
                serviceAccountToken: fakeJWT(exp: 1, subject: "a"), http: http)
            let b = try WorkloadIdentityCredential(
                environment: environment, tenantID: "t", clientID: "c",
                serviceAccountToken: fakeJWT(exp: 1, subject: "b"), http: http)
            let a2 = try WorkloadIdentityCredential(
                environment: environment, tenantID: "t", clientID: "c",
                serviceAccountToken: fakeJWT(exp: 1, subject: "a"), http: http)
            #expect(a.identity != b.identity)
            #expect(a.identity == a2.identity)
        }
    }

    @Test func aChangedClientSecretIsANewIdentity() async throws {
        try await withTestClient { http in
            let old = try ServicePrincipalCredential(
                environment: environment, tenantID: "t", clientID: "c", clientSecret: "old-secret", http: http)
            let new = try ServicePrincipalCredential(
                environment: environment, tenantID: "t", clientID: "c", clientSecret: "new-secret", http: http)
            #expect(old.identity != new.identity)
            #expect(!old.identity.description.contains("old-secret"))
            #expect(!old.identity.materialDigest.contains("old-secret"))
        }
    }

    @Test func everyCallerAttributeIsPartOfTheKey() async throws {
        try await withTestClient { http in
            let base = try ServicePrincipalCredential(
                environment: environment, tenantID: "t", clientID: "c", clientSecret: "s", http: http
            ).identity
            let otherTenant = try ServicePrincipalCredential(
                environment: environment, tenantID: "t2", clientID: "c", clientSecret: "s", http: http
            ).identity
            let otherClient = try ServicePrincipalCredential(
                environment: environment, tenantID: "t", clientID: "c2", clientSecret: "s", http: http
            ).identity
            let otherCloud = try ServicePrincipalCredential(
                environment: CloudName.azureChinaCloud.builtInEnvironment!, tenantID: "t", clientID: "c",
                clientSecret: "s", http: http
            ).identity
            #expect(Set([base, otherTenant, otherClient, otherCloud]).count == 4)
            let podA = try PodIdentityCredential(podName: "ab", podNamespace: "c", http: http).identity
            let podB = try PodIdentityCredential(podName: "a", podNamespace: "bc", http: http).identity
            #expect(podA != podB)
            let system = ManagedIdentityCredential(userAssignedClientID: nil, http: http).identity
            let user = ManagedIdentityCredential(userAssignedClientID: "uami", http: http).identity
            #expect(system != user)
        }
    }

    @Test func invalidTenantsAreRefused() async throws {
        try await withTestClient { http in
            #expect(throws: AuthError.self) {
                try ServicePrincipalCredential(
                    environment: environment, tenantID: "evil.com/x?", clientID: "c", clientSecret: "s", http: http)
            }
            #expect(throws: AuthError.self) {
                try PodIdentityCredential(podName: "a\r\nx: y", podNamespace: "n", http: http)
            }
        }
    }

    @Test func serviceAccountTokenExpiryIsRead() {
        #expect(JWTExpiry.expiry(of: fakeJWT(exp: 1_800_000_000)) == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(JWTExpiry.expiry(of: "not-a-jwt") == nil)
    }
}
