import Foundation
import ProviderParameters

/// Reads the JSON strings of a MountRequest. Each field is refused before parsing when it is larger than
/// `RequestLimits.jsonFieldBytes`.
public enum MountRequestDecoder {
    public static func decode(attributes: String, secrets: String, permission: String) throws(MountError)
        -> DecodedMountRequest
    {
        let attributeMap = try stringMap(attributes, field: "attributes", nullAllowed: false)
        let secretMap = try stringMap(secrets, field: "secrets", nullAllowed: true)
        let mode = try fileMode(permission)
        return DecodedMountRequest(attributes: attributeMap, secrets: secretMap, defaultFileMode: mode)
    }

    /// A JSON object whose values are all strings. `secrets` may be empty or `null` (no nodePublishSecretRef).
    static func stringMap(_ text: String, field: String, nullAllowed: Bool) throws(MountError) -> [String: String] {
        guard text.utf8.count <= RequestLimits.jsonFieldBytes else {
            throw MountError(
                .invalidArgument, "failed to unmarshal \(field): larger than \(RequestLimits.jsonFieldBytes) bytes")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if nullAllowed && (trimmed.isEmpty || trimmed == "null") {
            return [:]
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(trimmed.utf8), options: [.fragmentsAllowed])
        } catch {
            // The parser's description can quote the input; `secrets` holds credentials, so it gets none.
            let detail = field == "secrets" ? "" : " (\(jsonErrorSummary(error)))"
            throw MountError(.invalidArgument, "failed to unmarshal \(field): not valid JSON\(detail)")
        }
        guard let dictionary = object as? [String: Any] else {
            throw MountError(
                .invalidArgument,
                "failed to unmarshal \(field): expected a JSON object of strings, got \(jsonTypeName(object))")
        }
        var result: [String: String] = [:]
        result.reserveCapacity(dictionary.count)
        for (key, value) in dictionary {
            guard let string = value as? String else {
                // Name the key, never the value: `secrets` values are credentials.
                throw MountError(
                    .invalidArgument,
                    "failed to unmarshal \(field): the value of \"\(key)\" is \(jsonTypeName(value)), expected a string"
                )
            }
            result[key] = string
        }
        return result
    }

    /// `permission` is the JSON of the default mode: a number (`420`, as the driver marshals os.FileMode)
    /// or, leniently, a string of decimal digits (`"420"`).
    static func fileMode(_ text: String) throws(MountError) -> Int32 {
        var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") {
            trimmed = String(trimmed.dropFirst().dropLast())
        }
        guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }), let mode = Int32(trimmed) else {
            throw MountError(
                .invalidArgument,
                "failed to unmarshal file permission: \"\(text.prefix(64))\" is not a decimal file mode such as 420 (= 0644)"
            )
        }
        guard (0...0o777).contains(mode) else {
            throw MountError(
                .invalidArgument, "failed to unmarshal file permission: \(mode) is outside 0..511 (0000..0777)")
        }
        return mode
    }

    private static func jsonTypeName(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case is String: return "a string"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        case is NSNumber: return "a number or boolean"
        default: return "\(type(of: value))"
        }
    }

    private static func jsonErrorSummary(_ error: Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        return String(text.prefix(200))
    }
}
