import Foundation

/// A parsed `NO_PROXY` value (see `ProxySettings` for the accepted forms).
public struct NoProxyList: Sendable, Equatable {
    enum Entry: Sendable, Equatable {
        case everything
        case address(IPAddress, port: Int?)
        case network(IPAddress, prefixLength: Int)
        /// `name` matches the name and its sub-domains; `.name` only sub-domains.
        case domain(String, subdomainsOnly: Bool, port: Int?)
    }

    let entries: [Entry]

    public init(_ value: String) {
        entries = value.split(separator: ",").compactMap {
            Self.parseEntry($0.trimmingCharacters(in: .whitespaces).lowercased())
        }
    }

    /// True when a request to `host:port` must not go through a proxy.
    public func bypasses(host rawHost: String, port: Int) -> Bool {
        let host = Self.normalizeHost(rawHost)
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        let address = IPAddress(host)
        if let address, address.isLoopback { return true }
        for entry in entries {
            switch entry {
            case .everything:
                return true
            case .address(let entryAddress, let entryPort):
                if address == entryAddress, entryPort == nil || entryPort == port { return true }
            case .network(let network, let prefixLength):
                if let address, address.isIn(network: network, prefixLength: prefixLength) { return true }
            case .domain(let name, let subdomainsOnly, let entryPort):
                guard entryPort == nil || entryPort == port, address == nil else { continue }
                if host.hasSuffix("." + name) || (!subdomainsOnly && host == name) { return true }
            }
        }
        return false
    }

    private static func normalizeHost(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host.removeLast() }
        return host
    }

    private static func parseEntry(_ text: String) -> Entry? {
        if text.isEmpty { return nil }
        if text == "*" { return .everything }
        if let slash = text.firstIndex(of: "/") {
            guard let network = IPAddress(String(text[..<slash])), let bits = Int(text[text.index(after: slash)...]),
                bits >= 0, bits <= network.bytes.count * 8
            else { return nil }
            return .network(network, prefixLength: bits)
        }
        if let address = IPAddress(normalizeHost(text)) { return .address(address, port: nil) }
        // `host:port`, `[v6]:port` or `v4:port`.
        var hostPart = text
        var port: Int?
        if let colon = text.lastIndex(of: ":"), let parsed = Int(text[text.index(after: colon)...]) {
            hostPart = String(text[..<colon])
            port = parsed
        }
        hostPart = normalizeHost(hostPart)
        if let address = IPAddress(hostPart) { return .address(address, port: port) }
        if hostPart.hasPrefix("*.") { hostPart.removeFirst() }
        let subdomainsOnly = hostPart.hasPrefix(".")
        if subdomainsOnly { hostPart.removeFirst() }
        return hostPart.isEmpty ? nil : .domain(hostPart, subdomainsOnly: subdomainsOnly, port: port)
    }
}
