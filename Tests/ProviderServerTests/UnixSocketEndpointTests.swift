import Testing

@testable import ProviderServer

@Suite struct UnixSocketEndpointTests {
    @Test(arguments: [
        ("unix:///provider/azure.sock", "/provider/azure.sock"), ("UNIX:///tmp/a.sock", "/tmp/a.sock"),
        ("unix://rel/a.sock", "rel/a.sock"),
    ])
    func parsesUnixEndpoints(endpoint: String, path: String) throws {
        #expect(try UnixSocketEndpoint(parsing: endpoint).path == path)
    }

    @Test(arguments: [
        "/tmp/azure.sock", "tcp://127.0.0.1:9000", "unix://", "unix:///" + String(repeating: "a", count: 120),
    ])
    func rejectsOtherEndpoints(endpoint: String) {
        #expect(throws: EndpointError.self) { try UnixSocketEndpoint(parsing: endpoint) }
    }
}
