import KeyVaultIdentifiers

/// A page of `GET /{collection}/{name}/versions`: `{"value": [...], "nextLink": "..." | null}`.
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
            return VersionItem(
                version: KeyVaultID(parsing: id).version, id: id, enabled: item.attributes?.enabled,
                created: item.attributes?.created)
        }
    }
}
