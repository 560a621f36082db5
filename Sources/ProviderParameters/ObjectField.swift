/// The fields an object may set. `keyvaultName`, `optional` and `jmesPath` are this provider's extensions; the Go
/// provider ignores fields it does not know, so a class using them still parses there.
public enum ObjectField: String, Sendable, CaseIterable {
    case objectName, objectAlias, objectVersion, objectVersionHistory, objectType, objectFormat, objectEncoding,
        filePermission, keyvaultName, optional, jmesPath
}
