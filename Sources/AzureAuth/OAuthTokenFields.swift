import Foundation

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
            return AccessToken(
                token: accessToken, expiresOn: Date(timeIntervalSince1970: TimeInterval(expiresOn.value)))
        }
        if let expiresIn, expiresIn.value > 0 {
            return AccessToken(token: accessToken, expiresOn: now.addingTimeInterval(TimeInterval(expiresIn.value)))
        }
        return nil
    }
}
