/// Why a mount's parameters were rejected. One type for every parameter problem so the gRPC layer can map
/// it to INVALID_ARGUMENT, logs can name the field, and `lint` can point at the exact place.
public struct ParameterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The parameter or object field at fault, e.g. `keyvaultName`, `objects`, `objectType`,
    /// `csi.storage.k8s.io/serviceAccount.tokens`.
    public var field: String
    /// 0-based index in the `objects` array when the problem is about one object.
    public var objectIndex: Int?
    /// The object's `objectName`, when known, so users can find the entry.
    public var objectName: String?
    /// The problem in the Go provider's wording where it has one (users grep those texts).
    public var message: String
    /// The message is the Go provider's whole text and is shown as it is, without the field.
    public var isVerbatim: Bool

    public init(
        field: String, objectIndex: Int? = nil, objectName: String? = nil, message: String, isVerbatim: Bool = false
    ) {
        self.field = field
        self.objectIndex = objectIndex
        self.objectName = objectName
        self.message = message
        self.isVerbatim = isVerbatim
    }

    /// The message prefixed with the object it is about and, when the message does not say it (in any case),
    /// the field: `objects[2] (objectName "db"): objectType "secrets" is not valid, ...`,
    /// `objects[0] (objectName "db"): objectAlias: file name must not contain '..'`.
    public var description: String {
        let namesField = isVerbatim || message.lowercased().contains(field.lowercased())
        let text = namesField ? message : "\(field): \(message)"
        guard let objectIndex else { return text }
        if let objectName, !objectName.isEmpty {
            return "objects[\(objectIndex)] (objectName \"\(objectName)\"): \(text)"
        }
        return "objects[\(objectIndex)]: \(text)"
    }
}
