import Foundation

/// A Key Vault `WWW-Authenticate: Bearer authorization="...", resource="..."[, scope="..."]` challenge.
struct BearerChallenge: Equatable {
    var parameters: [String: String]

    /// `scope` if present, else `resource` + `/.default`, as the Azure SDKs derive it.
    var scope: String? {
        if let scope = parameters["scope"], !scope.isEmpty { return scope }
        guard let resource = parameters["resource"], !resource.isEmpty else { return nil }
        return (resource.hasSuffix("/") ? String(resource.dropLast()) : resource) + "/.default"
    }

    /// Parses the `Bearer` challenge; parameters may be separated by commas and/or spaces (Python splits
    /// on commas, Go on spaces) and values may be quoted.
    static func parse(_ header: String) -> BearerChallenge? {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bearer") else { return nil }
        var rest = Substring(trimmed.dropFirst("bearer".count))
        var parameters: [String: String] = [:]
        while true {
            rest = rest.drop { $0 == " " || $0 == "," || $0 == "\t" }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let name = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...].drop { $0 == " " }
            let value: Substring
            if rest.first == "\"" {
                let afterQuote = rest.dropFirst()
                let close = afterQuote.firstIndex(of: "\"") ?? afterQuote.endIndex
                value = afterQuote[..<close]
                rest =
                    close < afterQuote.endIndex ? afterQuote[afterQuote.index(after: close)...] : afterQuote[close...]
            } else {
                let end = rest.firstIndex { $0 == "," || $0 == " " } ?? rest.endIndex
                value = rest[..<end]
                rest = rest[end...]
            }
            if !name.isEmpty { parameters[name] = String(value) }
        }
        return parameters.isEmpty ? nil : BearerChallenge(parameters: parameters)
    }

    /// The SDKs' rule: the vault's host[:port] must end with `.` + the resource's host[:port] (the default
    /// port ignored), so a challenge cannot make us fetch a token for some other service's audience.
    func resourceMatches(vault: URLComponents) -> Bool {
        guard let scope, let resource = URLComponents(string: scope), let resourceHost = resource.host?.lowercased(),
            !resourceHost.isEmpty,
            let vaultHost = vault.host?.lowercased()
        else { return false }
        func authority(_ host: String, _ components: URLComponents) -> String {
            let defaultPort = components.scheme?.lowercased() == "http" ? 80 : 443
            guard let port = components.port, port != defaultPort else { return host }
            return "\(host):\(port)"
        }
        var resourceComponents = resource
        if resourceComponents.scheme == nil { resourceComponents.scheme = vault.scheme }
        return authority(vaultHost, vault).hasSuffix("." + authority(resourceHost, resourceComponents))
    }
}
