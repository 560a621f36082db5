import TestSupport
import Testing

@testable import AzureHTTP

@Suite struct ProxySettingsTests {
    @Test func upperCaseWinsAndSchemeDefaultsToHTTP() throws {
        let settings = try ProxySettings(environment: [
            "HTTPS_PROXY": "proxy.corp:3128", "https_proxy": "http://other:1", "http_proxy": "http://plain.corp",
        ])
        #expect(settings.httpsProxy == ProxyEndpoint(kind: .http, host: "proxy.corp", port: 3128))
        #expect(settings.httpProxy == ProxyEndpoint(kind: .http, host: "plain.corp", port: 80))
    }

    @Test func eachSchemeUsesItsOwnVariable() throws {
        let settings = try ProxySettings(environment: ["HTTPS_PROXY": "http://s:1"])
        #expect(settings.proxy(scheme: "https", host: "myvault.vault.azure.net", port: 443)?.host == "s")
        #expect(settings.proxy(scheme: "http", host: "169.254.169.254", port: 80) == nil)
    }

    @Test func credentialsAreParsedButNeverPrinted() throws {
        let settings = try ProxySettings(environment: ["HTTPS_PROXY": "http://user:p%40ss@proxy:8080"])
        let proxy = try #require(settings.httpsProxy)
        #expect(proxy.username == "user")
        #expect(proxy.password == "p@ss")
        #expect(!proxy.description.contains("p@ss") && !proxy.description.contains("user"))
    }

    @Test func unsupportedSchemesAreRejectedWithoutEchoingTheValue() {
        #expect(throws: HTTPClientConfigurationError.self) {
            try ProxySettings(environment: ["HTTPS_PROXY": "https://u:secretpw@proxy:443"])
        }
        do {
            _ = try ProxySettings(environment: ["HTTP_PROXY": "ftp://u:secretpw@proxy"])
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("secretpw"))
        }
    }

    @Test func socks5IsAccepted() throws {
        let settings = try ProxySettings(environment: ["HTTPS_PROXY": "socks5://s"])
        #expect(settings.httpsProxy == ProxyEndpoint(kind: .socks5, host: "s", port: 1080))
    }

    @Test(arguments: [
        ("*", "anything.example", 443, true),
        ("example.com", "example.com", 443, true),
        ("example.com", "a.example.com", 443, true),
        ("example.com", "badexample.com", 443, false),
        (".example.com", "example.com", 443, false),
        (".example.com", "a.example.com", 443, true),
        ("*.example.com", "a.b.example.com", 443, true),
        ("EXAMPLE.com", "a.Example.COM", 443, true),
        ("vault.azure.net:443", "v.vault.azure.net", 443, true),
        ("vault.azure.net:8443", "v.vault.azure.net", 443, false),
        ("169.254.169.254", "169.254.169.254", 80, true),
        ("10.0.0.0/8", "10.1.2.3", 80, true),
        ("10.0.0.0/8", "11.1.2.3", 80, false),
        ("fd00::/8", "fd12::1", 80, true),
        ("[2001:db8::1]", "[2001:db8::1]", 443, true),
        ("2001:db8::1", "2001:db8::1", 443, true),
        ("1.2.3.4:80", "1.2.3.4", 443, false),
        (" a.com , b.com ", "x.b.com", 443, true),
        ("", "example.com", 443, false),
    ])
    func noProxyForms(entry: String, host: String, port: Int, bypass: Bool) {
        #expect(NoProxyList(entry).bypasses(host: host, port: port) == bypass)
    }

    @Test(arguments: ["localhost", "127.0.0.1", "127.5.5.5", "::1", "[::1]", "LOCALHOST", "nmi.localhost"])
    func loopbackIsNeverProxied(host: String) throws {
        let settings = try ProxySettings(environment: ["HTTP_PROXY": "http://p:1", "HTTPS_PROXY": "http://p:1"])
        #expect(settings.proxy(scheme: "http", host: host, port: 2579) == nil)
        #expect(settings.proxy(scheme: "https", host: host, port: 443) == nil)
    }

    @Test func noProxyAppliesPerDestination() throws {
        let settings = try ProxySettings(environment: [
            "https_proxy": "http://p:3128", "http_proxy": "http://p:3128", "no_proxy": "169.254.169.254,.internal",
        ])
        #expect(settings.proxy(scheme: "http", host: "169.254.169.254", port: 80) == nil)
        #expect(settings.proxy(scheme: "https", host: "login.microsoftonline.com", port: 443)?.port == 3128)
        #expect(settings.proxy(scheme: "https", host: "x.internal", port: 443) == nil)
    }
}
