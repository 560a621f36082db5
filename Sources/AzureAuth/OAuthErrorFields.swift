import Foundation

/// Entra and IMDS error answers: `{"error": "...", "error_description": "..."}`.
struct OAuthErrorFields: Decodable, Sendable {
    let error: String?
    let errorDescription: String?

    enum CodingKeys: String, CodingKey {
        case error
        case errorDescription = "error_description"
    }

    /// The first line of the description: `AADSTS7000215: Invalid client secret provided. ...` without the
    /// trace id, correlation id and timestamp lines that follow.
    var summary: String? {
        guard let description = errorDescription else { return nil }
        let firstLine = description.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return firstLine.isEmpty ? nil : firstLine
    }
}
