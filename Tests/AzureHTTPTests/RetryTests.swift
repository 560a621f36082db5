import Foundation
import TestSupport
import Testing

@testable import AzureHTTP

@Suite struct RetryAfterTests {
    let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT

    @Test func seconds() {
        #expect(RetryAfter.parse("1", now: now) == .seconds(1))
        #expect(RetryAfter.parse("120", now: now) == .seconds(120))
        #expect(RetryAfter.parse("-1", now: now) == nil)
        #expect(RetryAfter.parse("soon", now: now) == nil)
    }

    @Test func httpDates() {
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:47 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.parse("Sunday, 06-Nov-94 08:49:57 GMT", now: now) == .seconds(20))
        #expect(RetryAfter.parse("Sun Nov  6 08:50:07 1994", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:00:00 GMT", now: now) == .zero)
    }

    @Test func azureMillisecondHeadersWin() {
        let headers = [(name: "Retry-After", value: "5"), (name: "x-ms-retry-after-ms", value: "250")]
        #expect(RetryAfter.delay(headers: headers, now: now) == .milliseconds(250))
        #expect(RetryAfter.delay(headers: [(name: "retry-after", value: "2")], now: now) == .seconds(2))
        #expect(RetryAfter.delay(headers: [], now: now) == nil)
    }
}

@Suite struct RetryPolicyTests {
    @Test func retryableStatuses() {
        for status in [408, 429, 500, 502, 503, 504] { #expect(RetryPolicy.standard.isRetryable(status: status)) }
        for status in [200, 400, 401, 403, 404, 409, 501] { #expect(!RetryPolicy.standard.isRetryable(status: status)) }
        for status in [404, 410, 429, 500, 501, 503, 599] { #expect(RetryPolicy.imds.isRetryable(status: status)) }
        for status in [400, 401, 403] { #expect(!RetryPolicy.imds.isRetryable(status: status)) }
    }

    @Test func exponentialCapsWithFullJitter() {
        let policy = RetryPolicy(
            maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(1), retryableStatuses: [503])
        let caps = (1...6).map { policy.delay(beforeRetry: $0, retryAfter: nil, random: { $0 }) }
        #expect(
            caps == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
                .seconds(1),
            ])
        for retry in 1...8 {
            for _ in 0..<50 {
                let delay = policy.delay(beforeRetry: retry, retryAfter: nil)
                #expect(delay >= .zero && delay <= .seconds(1))
            }
        }
        #expect(policy.delay(beforeRetry: 1, retryAfter: nil, random: { _ in .zero }) == .zero)
    }

    /// Azure: retry IMDS's 410 for at least 70 s. With full jitter the expected wait is half the cap.
    @Test func imdsRetriesOutlastA410OnAverage() {
        let policy = RetryPolicy.imds
        let retries = 1..<policy.maxAttempts
        let expected = retries.reduce(Duration.zero) {
            $0 + policy.delay(beforeRetry: $1, retryAfter: nil, random: { $0 / 2 })
        }
        let longest = retries.reduce(Duration.zero) {
            $0 + policy.delay(beforeRetry: $1, retryAfter: nil, random: { $0 })
        }
        #expect(expected > .seconds(70))
        #expect(longest <= .seconds(150))
    }

    @Test func retryAfterReplacesBackoff() {
        #expect(RetryPolicy.standard.delay(beforeRetry: 1, retryAfter: .seconds(7)) == .seconds(7))
    }
}

@Suite struct TrustRootsPlanTests {
    @Test func noVariablesMeansSystemDefault() {
        let plan = TrustRoots.plan(environment: [:], extraBundle: nil)
        #expect(plan.primary == .systemDefault)
        #expect(plan.additional.isEmpty)
    }

    @Test func extraBundleAddsToSystemRoots() {
        let plan = TrustRoots.plan(environment: [:], extraBundle: "/etc/extra.pem")
        #expect(plan.primary == .systemDefault)
        #expect(plan.additional == [.pemFile("/etc/extra.pem")])
    }

    @Test func certFileReplacesTheDefaultFileButKeepsTheDefaultDirectory() {
        let plan = TrustRoots.plan(
            environment: ["SSL_CERT_FILE": "/custom.pem"], extraBundle: nil,
            isFile: { $0 == "/custom.pem" }, isDirectory: { $0 == "/etc/ssl/certs" })
        #expect(plan.primary == .hashedDirectory("/etc/ssl/certs"))
        #expect(plan.additional == [.pemFile("/custom.pem")])
    }

    @Test func certDirReplacesTheDefaultDirectory() {
        let plan = TrustRoots.plan(
            environment: ["SSL_CERT_DIR": "/a:/b:/missing"], extraBundle: "/x.pem",
            isFile: { $0 == "/etc/ssl/certs/ca-certificates.crt" }, isDirectory: { $0 == "/a" || $0 == "/b" })
        #expect(plan.primary == .pemFile("/etc/ssl/certs/ca-certificates.crt"))
        #expect(plan.additional == [.directory("/a"), .directory("/b"), .pemFile("/x.pem")])
        #expect(plan.warnings.count == 1)
    }

    @Test func missingCertFileIsIgnoredWithAWarning() {
        let plan = TrustRoots.plan(
            environment: ["SSL_CERT_FILE": "/nope"], extraBundle: nil, isFile: { _ in false },
            isDirectory: { _ in false })
        #expect(plan.primary == .none)
        #expect(plan.warnings.count == 1)
    }

    @Test func unreadableExtraBundleFailsStartUp() {
        #expect(throws: HTTPClientConfigurationError.self) {
            _ = try TrustRoots.load(environment: [:], extraBundle: "/definitely/missing.pem")
        }
    }
}

@Suite struct RedactionAndUserAgentTests {
    @Test func tokensAreScrubbed() {
        let jwt = fakeJWT(exp: 1)
        let secret = "abc8Q~0123456789012345678901234567890123456"
        let text = Redaction.scrub(
            #"{"access_token":"\#(jwt)","note":"\#(secret)"} not found: name/0123456789abcdef0123456789abcdef"#)
        #expect(!text.contains(jwt))
        #expect(!text.contains(secret))
        #expect(text.contains("name/0123456789abcdef0123456789abcdef"))
        #expect(Redaction.scrub(String(repeating: "a b ", count: 1000)).count <= Redaction.maximumLength + 3)
    }

    @Test func userAgentNamesTheCallersProduct() {
        #expect(HTTPClientSettings.userAgent(product: "p", version: "1.2.3") == "p/1.2.3")
        #expect(HTTPClientSettings.userAgent(product: "p", version: "1.2.3", custom: " aks/1 ") == "p/1.2.3 aks/1")
    }

    @Test func percentEncodingIsDefinedOnce() {
        #expect(PercentEncoding.component("a/b c?d&e=f~g.h-i_j") == "a%2Fb%20c%3Fd%26e%3Df~g.h-i_j")
        #expect(PercentEncoding.queryValue("https://vault.azure.net") == "https://vault.azure.net")
        #expect(PercentEncoding.queryValue("a&b=c+d#e?f g") == "a%26b%3Dc%2Bd%23e%3Ff%20g")
    }
}

@Suite struct CallerIdentityRedactionTests {
    @Test func keyVaultCallerIdsStayReadableButLongCredentialsDoNot() {
        let text = Redaction.scrub(
            "caller 'appid=5f1c8a2e-7d3b-4e6f-9a1c-2b3d4e5f6a7b;oid=6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d' secret=Q8x.0123456789abcdefghij0123456789abcdefghij"
        )
        #expect(text.contains("appid=5f1c8a2e-7d3b-4e6f-9a1c-2b3d4e5f6a7b"))
        #expect(text.contains("oid=6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d"))
        #expect(!text.contains("0123456789abcdefghij0123456789"))
    }
}
