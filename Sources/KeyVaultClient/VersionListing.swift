import Foundation

/// One entry of a version listing: no value, just which version, whether enabled and when created.
public struct VersionItem: Sendable, Equatable {
    /// The last segment of `id`.
    public var version: String
    public var id: String
    public var enabled: Bool?
    /// Unix seconds.
    public var created: Int64?

    public init(version: String, id: String, enabled: Bool?, created: Int64?) {
        self.version = version
        self.id = id
        self.enabled = enabled
        self.created = created
    }
}

/// A page of `GET /{kind}/{name}/versions`: `{"value": [...], "nextLink": "..." | null}`.
struct VersionPage: Decodable {
    struct Item: Decodable {
        /// Secrets and certificates carry `id`, keys `kid`.
        let id: String?
        let kid: String?
        let attributes: ObjectAttributes?
    }

    let value: [Item]?
    let nextLink: String?

    func items() throws(ResponseDecodingError) -> [VersionItem] {
        try (value ?? []).enumerated().map { (index, item) throws(ResponseDecodingError) in
            guard let id = item.id ?? item.kid, !id.isEmpty else {
                throw ResponseDecodingError(detail: "value[\(index)] has neither id nor kid")
            }
            return VersionItem(version: lastPathSegment(id), id: id, enabled: item.attributes?.enabled, created: item.attributes?.created)
        }
    }
}

/// `https://v.vault.azure.net/secrets/name/abc` -> `abc`.
func lastPathSegment(_ url: String) -> String {
    let path = URLComponents(string: url)?.path ?? url
    return path.split(separator: "/").last.map(String.init) ?? ""
}
