import KeyVaultContent
import ProviderParameters

/// Process-wide settings of the mount pipeline, from the command line: one tree, read once.
public struct PipelineSettings: Sendable {
    /// The longest a mount may take by default: well inside kubelet's 2-minute NodePublish deadline, and long
    /// enough for IMDS's retries through a 410 (about 70 s).
    public static let defaultMountTimeout = Duration.seconds(90)

    /// How the class parameters are read (`--cloud-name`).
    public var parameters: ParameterSettings
    /// How certificates are written (`--construct-pem-chain`, `--write-cert-and-key-in-separate-files`).
    public var content: ContentSettings
    /// The longest a single mount may take (`--mount-timeout`).
    public var mountTimeout: Duration
    /// Whether `keyvault_request` is labelled with object names (`--metrics-object-names`): one series per
    /// object, unbounded, so off by default.
    public var metricsObjectNames: Bool

    public init(
        parameters: ParameterSettings = ParameterSettings(), content: ContentSettings = ContentSettings(),
        mountTimeout: Duration = defaultMountTimeout, metricsObjectNames: Bool = false
    ) {
        self.parameters = parameters
        self.content = content
        self.mountTimeout = mountTimeout
        self.metricsObjectNames = metricsObjectNames
    }
}
