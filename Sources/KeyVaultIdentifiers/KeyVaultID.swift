import Foundation

/// A Key Vault object identifier, `https://<vault>.vault.azure.net/<collection>/<name>[/<version>]`, read the
/// way the Azure SDK for Go's `ID` reads it: by position in the URL path, each part empty when it is missing.
/// Key Vault sends these as `id` (secrets, certificates, version listings) and `kid` (keys).
public struct KeyVaultID: Sendable, Equatable {
    /// `secrets`, `keys` or `certificates`.
    public var collection: String
    public var name: String
    /// Empty when the id names no version.
    public var version: String

    public init(parsing text: String) {
        var path = Substring(URLComponents(string: text)?.path ?? "")
        if path.hasPrefix("/") { path = path.dropFirst() }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func segment(_ index: Int) -> String { index < segments.count ? segments[index] : "" }
        collection = segment(0)
        name = segment(1)
        version = segment(2)
    }
}
