import Crypto

/// The TLS server name of AKS's identity-binding token proxy, as the Go provider v1.8.2 computes it
/// (`internal/identitybinding`): from the cluster id in the API server certificate's
/// `hcp-kubernetes.<id>.svc.cluster.local` name, `"a" + base32hex(sha256("identity-binding" + id))`
/// without padding, lower-cased, then `.ests.aks`. 53 characters before the suffix: a valid DNS label.
public enum IdentityBindingServerName {
    static let salt = "identity-binding"
    static let sanPrefix = "hcp-kubernetes."
    static let sanSuffix = ".svc.cluster.local"

    public static func serverName(clusterID: String) -> String {
        let digest = Array(SHA256.hash(data: Array((salt + clusterID).utf8)))
        return "a" + base32HexLowercase(digest) + ".ests.aks"
    }

    /// The id from the first `hcp-kubernetes.<id>.svc.cluster.local` name (non-empty), as the Go provider
    /// scans the leaf certificate's DNS names in order.
    public static func clusterID(dnsNames: [String]) -> String? {
        for name in dnsNames where name.hasPrefix(sanPrefix) && name.hasSuffix(sanSuffix) {
            guard name.count > sanPrefix.count + sanSuffix.count else { return nil }
            return String(name.dropFirst(sanPrefix.count).dropLast(sanSuffix.count))
        }
        return nil
    }

    /// RFC 4648 §7 ("extended hex") alphabet, no padding, lower case.
    static func base32HexLowercase(_ bytes: [UInt8]) -> String {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuv")
        var output: [Character] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(output)
    }
}
