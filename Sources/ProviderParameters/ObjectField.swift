/// The fields an object may set.
public enum ObjectField: String, Sendable, CaseIterable {
    case objectName, objectAlias, objectVersion, objectVersionHistory, objectType, objectFormat, objectEncoding,
        filePermission
}
