import Foundation

/// Token endpoints disagree on number encoding: Entra sends integers, IMDS and NMI send strings.
struct FlexibleInteger: Decodable, Sendable {
    let value: Int64

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
        } else if let text = try? container.decode(String.self), let number = Int64(text.trimmingCharacters(in: .whitespaces)) {
            value = number
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an integer or a string holding one")
        }
    }
}

/// The fields of a successful OAuth2 token answer that the provider uses.
struct OAuthTokenFields: Decodable, Sendable {
    let accessToken: String?
    let expiresIn: FlexibleInteger?
    let expiresOn: FlexibleInteger?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case expiresIn = "expires_in"
        case expiresOn = "expires_on"
    }

    /// `expires_on` (absolute) wins over `expires_in` (relative to `now`), as MSAL does.
    func accessToken(now: Date) -> AccessToken? {
        guard let accessToken, !accessToken.isEmpty else { return nil }
        if let expiresOn, expiresOn.value > 0 {
            return AccessToken(token: accessToken, expiresOn: Date(timeIntervalSince1970: TimeInterval(expiresOn.value)))
        }
        if let expiresIn, expiresIn.value > 0 {
            return AccessToken(token: accessToken, expiresOn: now.addingTimeInterval(TimeInterval(expiresIn.value)))
        }
        return nil
    }
}

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
