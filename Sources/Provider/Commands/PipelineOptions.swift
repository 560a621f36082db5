import ArgumentParser
import AzureAuth
import AzureCloud
import AzureHTTP
import KeyVaultContent
import Logging
import MountPipeline
import ProviderParameters
import ProviderServer

/// The flags that shape a mount, shared by `serve` and `mount` so that a mount from a workstation runs with
/// exactly the settings (and defaults) the server has. Each default is a constant of its settings type.
struct PipelineOptions: ParsableArguments {
    @Option(
        name: .customLong("construct-pem-chain"),
        help: "Order certificate chains leaf -> intermediates -> root (true|false).")
    var constructPEMChain = BoolFlag(ContentSettings().constructPEMChain)

    @Option(
        name: .customLong("write-cert-and-key-in-separate-files"),
        help: "Also write <file>.crt and <file>.key for certificate-backed secrets (true|false).")
    var writeCertAndKeyInSeparateFiles = BoolFlag(ContentSettings().writeCertAndKeyInSeparateFiles)

    @Option(
        name: .customLong("cloud-name"),
        help:
            "Cloud for classes without cloudName: AzurePublicCloud, AzureUSGovernmentCloud, AzureChinaCloud, AzureGermanCloud."
    )
    var cloudName: String = ParameterSettings().defaultCloudName.rawValue

    @Option(name: .customLong("nmi-port"), help: "Port of aad-pod-identity's NMI on localhost, for usePodIdentity.")
    var nmiPort: Int = PodIdentityCredential.defaultPort

    @Option(
        name: .customLong("extra-ca-bundle"),
        help:
            "PEM file of CA certificates trusted in addition to the system roots (Azure Stack Hub, TLS-inspecting proxies). SSL_CERT_FILE and SSL_CERT_DIR are honoured too."
    )
    var extraCABundle: String?

    @Option(name: .customLong("custom-user-agent"), help: "Appended to the User-Agent of requests to Azure.")
    var customUserAgent: String?

    @Option(name: .customLong("mount-timeout"), help: "The longest one mount may take (Go duration).")
    var mountTimeout = DurationFlag(PipelineSettings.defaultMountTimeout)

    @Option(
        name: .customLong("max-requests-per-vault"),
        help:
            "Key Vault requests in flight to one vault at once, all mounts together; also the HTTPS connections kept per host."
    )
    var maxRequestsPerVault: Int = HTTPClientSettings.defaultConnectionsPerHost

    @Option(
        name: .customLong("token-proxy-url"),
        help: "Identity binding (useAzureTokenProxy): the AKS token proxy's https URL.")
    var tokenProxyURL: String = TokenProxySettings.defaultURL

    @Option(
        name: .customLong("sni-name"),
        help:
            "Identity binding: the TLS server name sent to the token proxy; unset = computed from the API server certificate's hcp-kubernetes.<id>.svc.cluster.local name."
    )
    var sniName: String?

    @Option(
        name: .customLong("token-proxy-ca-file"),
        help:
            "Identity binding: PEM CA file, the only roots trusted for the token proxy (read before each token request)."
    )
    var tokenProxyCAFile: String = TokenProxySettings.defaultCAFile

    func validate() throws {
        guard (1...65535).contains(nmiPort) else {
            throw ValidationError("--nmi-port must be between 1 and 65535, got \(nmiPort)")
        }
        guard (1...1024).contains(maxRequestsPerVault) else {
            throw ValidationError("--max-requests-per-vault must be between 1 and 1024, got \(maxRequestsPerVault)")
        }
        do {
            _ = try tokenProxySettings.endpoint()
        } catch {
            throw ValidationError(error.description.replacingOccurrences(of: "IdentityBindingCredential: ", with: ""))
        }
        guard let cloud = CloudName(parsing: cloudName), cloud != .azureStackCloud else {
            throw ValidationError(
                "--cloud-name \"\(cloudName)\" is not a built-in cloud; use one of \(Self.builtInCloudNames); AzureStackCloud is chosen per class with cloudName and cloudEnvFileName"
            )
        }
    }

    private static var builtInCloudNames: String {
        CloudName.allCases.filter { $0 != .azureStackCloud }.map(\.rawValue).joined(separator: ", ")
    }

    /// The pipeline's settings; `validate()` has accepted the cloud name.
    var pipelineSettings: PipelineSettings {
        PipelineSettings(
            parameters: ParameterSettings(defaultCloudName: CloudName(parsing: cloudName) ?? .azurePublicCloud),
            content: ContentSettings(
                constructPEMChain: constructPEMChain.value,
                writeCertAndKeyInSeparateFiles: writeCertAndKeyInSeparateFiles.value),
            mountTimeout: mountTimeout.duration)
    }

    /// The HTTPS client's settings; proxies and `SSL_CERT_FILE`/`SSL_CERT_DIR` come from the process environment.
    var httpClientSettings: HTTPClientSettings {
        HTTPClientSettings(
            userAgent: HTTPClientSettings.userAgent(
                product: ProviderInfo.runtimeName, version: ProviderInfo.version, custom: customUserAgent),
            extraCABundlePath: extraCABundle, connectionsPerHost: maxRequestsPerVault)
    }

    /// Where identity binding's token requests go.
    var tokenProxySettings: TokenProxySettings {
        TokenProxySettings(url: tokenProxyURL, sniName: sniName, caFile: tokenProxyCAFile)
    }

    /// The vault readers of the server's pipeline: credentials per identity over `http`, one token cache.
    func makeVaults(http: AzureHTTPClient, logger: Logger) -> KeyVaultReaderFactory {
        KeyVaultReaderFactory(
            http: http, tokens: TokenCache(logger: logger), nmiPort: nmiPort, requestsPerVault: maxRequestsPerVault,
            tokenProxy: tokenProxySettings, logger: logger)
    }

    /// The server's mount pipeline: one pooled HTTPS client, the token cache, the vault readers, the mounter.
    /// The caller shuts `http` down when it is done.
    func makeMounter(metricsObjectNames: Bool = false, logger: Logger) throws(HTTPClientConfigurationError) -> (
        mounter: KeyVaultMounter, http: AzureHTTPClient
    ) {
        let http = try AzureHTTPClient(settings: httpClientSettings, logger: logger)
        var settings = pipelineSettings
        settings.metricsObjectNames = metricsObjectNames
        let mounter = KeyVaultMounter(
            settings: settings, vaults: makeVaults(http: http, logger: logger), logger: logger)
        return (mounter, http)
    }
}
