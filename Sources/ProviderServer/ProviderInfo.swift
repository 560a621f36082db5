/// Who this provider says it is, in Version answers, `version` output and the User-Agent.
public enum ProviderInfo {
    /// The semver of this build. The one place it is written.
    public static let version = "0.1.0"
    /// The provider API version the driver speaks.
    public static let apiVersion = "v1alpha1"
    /// The runtime name in Version answers (the Go provider's is `secrets-store-csi-driver-provider-azure`).
    public static let runtimeName = "secrets-store-csi-driver-provider-azure-swift"
}
