import AzureCloud

/// Process-wide settings of the mount pipeline, from the command line.
public struct PipelineSettings: Sendable {
    /// The cloud for classes that leave `cloudName` empty (`--cloud-name`).
    public var defaultCloud: CloudName
    /// Order certificate chains leaf -> intermediates -> root (`--construct-pem-chain`).
    public var constructPEMChain: Bool
    /// Also write `<file>.crt` and `<file>.key` for certificate-backed secrets.
    public var writeCertAndKeyInSeparateFiles: Bool
    /// The aad-pod-identity NMI port on localhost (`--nmi-port`).
    public var nmiPort: Int
    /// The longest a single mount may take, well inside kubelet's 2-minute NodePublish deadline.
    public var mountTimeout: Duration

    public init(
        defaultCloud: CloudName = .azurePublicCloud, constructPEMChain: Bool = true,
        writeCertAndKeyInSeparateFiles: Bool = false, nmiPort: Int = 2579, mountTimeout: Duration = .seconds(90)
    ) {
        self.defaultCloud = defaultCloud
        self.constructPEMChain = constructPEMChain
        self.writeCertAndKeyInSeparateFiles = writeCertAndKeyInSeparateFiles
        self.nmiPort = nmiPort
        self.mountTimeout = mountTimeout
    }
}
