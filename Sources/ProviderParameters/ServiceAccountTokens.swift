import Foundation

/// The `csi.storage.k8s.io/serviceAccount.tokens` value:
/// `{"<audience>":{"token":"<jwt>","expirationTimestamp":"<RFC3339>"}, ...}`.
enum ServiceAccountTokens {
    static let key = "csi.storage.k8s.io/serviceAccount.tokens"
    static let workloadIdentityAudience = "api://AzureADTokenExchange"
    /// The audience AKS identity binding's token proxy accepts (the Go provider's `IdentityBindingTokenAudience`).
    static let identityBindingAudience = "api://AKSIdentityBinding"

    /// The token for `audience`. `text` is the raw attribute (empty when the driver sent none); `mode` names the
    /// identity mode that needs it, for the message. Token values never appear in errors.
    static func token(for audience: String, in text: String, mode: String) throws(ParameterError) -> ServiceAccountToken
    {
        let fix =
            "add audience \"\(audience)\" to the CSIDriver's spec.tokenRequests"
            + " (Helm chart of the driver: tokenRequests[].audience) so the driver sends the pod's token"
        if text.isEmpty {
            throw ParameterError(
                field: key,
                message: "service account tokens not found: \(mode) needs a token for audience \(audience); \(fix)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
            let audiences = object as? [String: Any]
        else {
            throw ParameterError(
                field: key,
                message: "failed to unmarshal service account tokens, error: \(key) is not a JSON object of audiences")
        }
        guard let entry = audiences[audience] as? [String: Any], let token = entry["token"] as? String, !token.isEmpty
        else {
            let present = audiences.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            throw ParameterError(
                field: key,
                message:
                    "token for audience \(audience) not found (audiences sent: \(present.isEmpty ? "none" : present));"
                    + " \(mode) needs it: \(fix)")
        }
        let expiration = (entry["expirationTimestamp"] as? String).flatMap { try? Date($0, strategy: .iso8601) }
        return ServiceAccountToken(token: token, expiration: expiration)
    }
}
