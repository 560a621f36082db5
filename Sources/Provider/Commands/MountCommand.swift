import ArgumentParser
import AzureHTTP
import Foundation
import Logging
import MountPipeline
import ProviderParameters

/// `mount -f class.yaml`: one mount from a workstation, through the same pipeline `serve` runs, to test a
/// class and an identity before deploying them.
struct MountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mount",
        abstract: "Mount a SecretProviderClass from a workstation, as the driver would on a node.",
        discussion: """
            Reads the SecretProviderClass you apply (YAML, several documents allowed; - for standard input), builds \
            the Mount request the driver would send for a pod, and runs the provider's own mount pipeline with the \
            serve flags below. Without --out it prints a table of the files (path, mode, size, object id, version; \
            never their contents); with --out DIR it writes them with the driver's atomic layout (..data symlink, \
            per-file modes). --dry-run validates the class and prints the requests a mount would make, sending none. \
            A failed mount prints the text a pod's events would show and a hint. Exit status: 0 mounted, 1 the mount \
            failed, 2 unusable input (class file, credential files, --out directory). HTTPS_PROXY, NO_PROXY and \
            SSL_CERT_FILE are honoured as by serve.
            """)

    static let defaultPodName = "mount-cli"
    static let defaultNamespace = "default"

    @Option(name: [.customShort("f"), .customLong("file")], help: "SecretProviderClass YAML file, or - for stdin.")
    var file: String

    @Option(name: .customLong("class"), help: "The SecretProviderClass to mount when the file holds several.")
    var className: String?

    @Option(name: .customLong("pod-name"), help: "Pod name the driver would send (pod identity matches on it).")
    var podName: String = defaultPodName

    @Option(
        name: .customLong("namespace"),
        help: "Pod namespace the driver would send (default: the class's metadata.namespace, else default).")
    var namespace: String?

    @Option(
        name: .customLong("service-account-token"),
        help: ArgumentHelp(
            "File holding the pod's service-account token: audience api://AzureADTokenExchange (workload identity), or api://AKSIdentityBinding when the class sets useAzureTokenProxy.",
            valueName: "file"))
    var serviceAccountTokenFile: String?

    @Option(name: .customLong("client-id"), help: "Service principal client id (the nodePublishSecretRef clientid).")
    var clientID: String?

    @Option(
        name: .customLong("client-secret-file"),
        help: ArgumentHelp("File holding the service principal's client secret (clientsecret).", valueName: "file"))
    var clientSecretFile: String?

    @Option(
        name: .customLong("out"),
        help: ArgumentHelp("Write the files into this directory with the driver's atomic layout.", valueName: "dir"))
    var out: String?

    @Flag(
        name: .customLong("dry-run"), help: "Validate the class and print the requests a mount would make; send none.")
    var dryRun = false

    @OptionGroup(title: "Provider flags (as for serve)") var pipeline: PipelineOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if serviceAccountTokenFile != nil && (clientID != nil || clientSecretFile != nil) {
            throw ValidationError(
                "--service-account-token (workload identity) and --client-id/--client-secret-file (service principal)"
                    + " exclude each other")
        }
        if (clientID == nil) != (clientSecretFile == nil) {
            throw ValidationError("--client-id and --client-secret-file go together")
        }
        if dryRun && out != nil {
            throw ValidationError("--dry-run writes nothing; drop --out")
        }
        guard !podName.isEmpty, namespace?.isEmpty != true else {
            throw ValidationError("--pod-name and --namespace must not be empty")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        let builder: MountRequestBuilder
        do {
            builder = try requestBuilder()
        } catch {
            throw Self.fail(error.description, status: 2)
        }
        let http: AzureHTTPClient
        do {
            http = try AzureHTTPClient(settings: pipeline.httpClientSettings, logger: logger)
        } catch {
            throw Self.fail("cannot configure HTTPS: \(error)", status: 2)
        }
        // Shut down on every path: the client's connection pool must be closed before it is released.
        let outcome = await mountOrPlan(builder.input, http: http, logger: logger)
        try? await http.shutdown()
        switch outcome {
        case .failure(let error):
            FileHandle.standardError.write(Data(MountFailureReport.render(error).utf8))
            throw ExitCode.failure
        case .success(.plan(let plan)):
            print(plan.render(), terminator: "")
        case .success(.mounted(let result)):
            if let out {
                do {
                    let stamp = try AtomicVolumeWriter(directory: out).writeVolume(result.files)
                    print("written to \(out) (\(AtomicVolumeWriter.dataLink) -> \(stamp))")
                } catch {
                    throw Self.fail(error.description, status: 2)
                }
            }
            print(MountFileTable.render(result), terminator: "")
        }
    }

    private enum Outcome {
        case plan(DryRunPlan)
        case mounted(MountResult)
    }

    /// `--dry-run`: the mount's validation, then the plan. Otherwise the server's pipeline, built as `serve`
    /// builds it.
    private func mountOrPlan(_ input: MountInput, http: AzureHTTPClient, logger: Logger) async -> Result<
        Outcome, MountError
    > {
        let vaults = pipeline.makeVaults(http: http, logger: logger)
        let settings = pipeline.pipelineSettings
        do throws(MountError) {
            if dryRun {
                let (parameters, environment) = try MountPreflight(settings: settings, vaults: vaults).run(input)
                return .success(
                    .plan(
                        DryRunPlan(
                            parameters: parameters, environment: environment, nmiPort: pipeline.nmiPort,
                            tokenProxyURL: pipeline.tokenProxyURL)))
            }
            let mounter = KeyVaultMounter(settings: settings, vaults: vaults, logger: logger)
            return .success(.mounted(try await mounter.mount(input)))
        } catch {
            return .failure(error)
        }
    }

    /// The class, the pod and the credential files, read into the request the driver would send.
    func requestBuilder() throws(MountInputError) -> MountRequestBuilder {
        let source = file == "-" ? "<stdin>" : file
        let data =
            file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file)
        guard let data else { throw MountInputError("\(file): cannot read the file (missing or not readable)") }
        guard let text = String(data: data, encoding: .utf8) else { throw MountInputError("\(source): not UTF-8 text") }
        let manifest = try SecretProviderClassManifest.select(fromYAML: text, source: source, className: className)
        let identity: WorkstationIdentity
        if let serviceAccountTokenFile {
            identity = .serviceAccountToken(
                try WorkstationIdentity.readCredentialFile(serviceAccountTokenFile, flag: "--service-account-token"))
        } else if let clientID, let clientSecretFile {
            identity = .servicePrincipal(
                clientID: clientID,
                clientSecret: try WorkstationIdentity.readCredentialFile(clientSecretFile, flag: "--client-secret-file")
            )
        } else {
            identity = .none
        }
        let pod = PodInfo(name: podName, namespace: namespace ?? manifest.namespace ?? Self.defaultNamespace)
        return MountRequestBuilder(manifest: manifest, pod: pod, identity: identity)
    }

    private static func fail(_ message: String, status: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("mount: \(message)\n".utf8))
        return ExitCode(status)
    }
}
