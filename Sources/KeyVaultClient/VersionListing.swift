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

extension Array where Element == VersionItem {
    /// Newest first (by `created`; unknown dates last, then by version for a stable order). The service
    /// lists in no particular order.
    func sortedNewestFirst() -> [VersionItem] {
        sorted { a, b in
            switch (a.created, b.created) {
            case let (x?, y?) where x != y: return x > y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.version < b.version
            }
        }
    }
}
