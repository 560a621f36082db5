import AzureCloud

/// The cloud a class names, decided once while its parameters are read: a built-in cloud's endpoints, or the
/// Azure Stack environment file that holds them (read on every mount: the file on the node may change).
public enum CloudSelection: Sendable, Equatable {
    case builtIn(AzureEnvironment)
    case azureStack(environmentFile: String)
}
