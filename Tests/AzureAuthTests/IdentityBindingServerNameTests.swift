import Testing

@testable import AzureAuth

/// The token proxy's TLS server name, computed as the Go provider v1.8.2 computes it.
@Suite struct IdentityBindingServerNameTests {
    /// Vectors derived independently (Python: `"a" + base64.b32hexencode(sha256(b"identity-binding" + id))`
    /// without `=`, lower-cased, + `.ests.aks`); the first id is the one the Go provider's own test uses.
    @Test(arguments: [
        ("696995ccb303450001b31a18", "aeaf29ip1hi5q38ebc3u4daum81u0unk52t5bg50j25234fmuj78g.ests.aks"),
        ("abc123def456", "avimke6u6l2eeq8qc1cneuaq4sl2e1av9t4clqgun97le32hub670.ests.aks"),
    ])
    func knownVectors(clusterID: String, serverName: String) {
        #expect(IdentityBindingServerName.serverName(clusterID: clusterID) == serverName)
    }

    /// 32 bytes are 52 base32 characters without padding: with the "a", a 53-character DNS label.
    @Test func theFirstLabelIsAValidDNSLabel() {
        let name = IdentityBindingServerName.serverName(clusterID: "x")
        let label = name.split(separator: ".")[0]
        #expect(label.count == 53 && label.first == "a")
        #expect(label.allSatisfy { $0.isLowercase || $0.isNumber })
    }

    /// RFC 4648 §10's base32hex test vectors, lower-cased and without padding.
    @Test(arguments: [
        ("", ""), ("f", "co"), ("fo", "cpng"), ("foo", "cpnmu"), ("foob", "cpnmuog"), ("fooba", "cpnmuoj1"),
        ("foobar", "cpnmuoj1e8"),
    ])
    func base32Hex(text: String, encoded: String) {
        #expect(IdentityBindingServerName.base32HexLowercase(Array(text.utf8)) == encoded)
    }

    @Test func theClusterIDComesFromTheFirstMatchingName() {
        let names = [
            "kubernetes", "kubernetes.default.svc.cluster.local",
            "hcp-kubernetes.696995ccb303450001b31a18.svc.cluster.local",
            "hcp-kubernetes.other.svc.cluster.local",
        ]
        #expect(IdentityBindingServerName.clusterID(dnsNames: names) == "696995ccb303450001b31a18")
    }

    /// No name, a name without an id, or a name of another shape: nothing to compute from (the Go provider
    /// panics slicing `hcp-kubernetes.svc.cluster.local`; here it is simply not an id).
    @Test(arguments: [
        [String](), ["kubernetes.default.svc.cluster.local"], ["hcp-kubernetes..svc.cluster.local"],
        ["hcp-kubernetes.svc.cluster.local"], ["hcp-kubernetes.abc.svc.cluster.local.evil.example"],
    ])
    func noClusterID(names: [String]) {
        #expect(IdentityBindingServerName.clusterID(dnsNames: names) == nil)
    }
}
