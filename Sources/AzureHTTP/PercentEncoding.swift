import Foundation

/// Percent-encoding for values placed into URLs and form bodies, defined once for every Azure request.
public enum PercentEncoding {
    /// RFC 3986 unreserved characters: the only ones safe everywhere unencoded.
    static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
    static let queryValueAllowed = unreserved.union(CharacterSet(charactersIn: ":/"))

    /// A path segment or an `application/x-www-form-urlencoded` field: everything but unreserved
    /// characters encoded, so no value can add a path segment, a field or a query.
    public static func component(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// A query value that keeps `:` and `/` readable (`resource=https://vault.azure.net`, as IMDS requests
    /// have always been sent); `&`, `=`, `+`, `#`, `?` and everything else are encoded.
    public static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: queryValueAllowed) ?? ""
    }
}
