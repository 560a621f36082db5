import AzureAuth
import AzureHTTP
import KeyVaultClient
import KeyVaultContent
import Logging
import ProviderParameters

/// Request JSON -> parameters -> credential -> concurrent fetch -> conversion -> files and object versions.
/// All or nothing: the first failing object fails the mount and no file is returned.
public final class MountPipeline: MountHandler {
    /// Objects of one mount fetched at once; more wait for a free slot.
    static let maximumConcurrentFetches = 16

    let settings: PipelineSettings
    let http: AzureHTTPClient
    let tokens: TokenCache
    let logger: Logger
    let deprecations = DeprecationNotices()

    public init(settings: PipelineSettings, http: AzureHTTPClient, tokens: TokenCache, logger: Logger) {
        self.settings = settings
        self.http = http
        self.tokens = tokens
        self.logger = logger
    }

    public func mount(_ input: MountInput) async throws(MountError) -> MountResult {
        let deadline = ContinuousClock.now.advanced(by: settings.mountTimeout)
        let request = try MountRequestDecoder.decode(
            attributes: input.attributes, secrets: input.secrets, permission: input.permission)
        let parameters: MountParameters
        do {
            parameters = try MountParameters.parse(
                attributes: request.attributes, secrets: request.secrets,
                options: ParameterOptions(defaultCloudName: settings.defaultCloud))
        } catch {
            throw MountErrorMapping.parameters(error)
        }
        if case .podIdentity = parameters.identity {
            let className = request.attributes["secretProviderClass"] ?? "(unnamed)"
            deprecations.warnOnce(
                class: "\(parameters.pod.namespace)/\(className)", logger: logger,
                "usePodIdentity is deprecated: aad-pod-identity is archived upstream; move this class to workload identity",
                metadata: ["secretProviderClass": "\(className)", "namespace": "\(parameters.pod.namespace)"])
        }
        let environment = try CloudResolver.environment(for: parameters)
        let credential: any TokenCredential
        do {
            credential = try CredentialFactory(http: http, nmiPort: settings.nmiPort)
                .credential(for: parameters.identity, tenantID: parameters.tenantID, environment: environment)
        } catch {
            throw MountErrorMapping.credential(error)
        }
        let client: KeyVaultClient
        do {
            client = try KeyVaultClient(
                http: http, tokens: tokens, credential: credential, environment: environment,
                vaultName: parameters.keyvaultName, logger: logger)
        } catch {
            throw MountError(.invalidArgument, "failed to get vault: \(error.reason)")
        }
        logger.debug("mounting", metadata: [
            "vault": "\(parameters.keyvaultName)", "cloud": "\(environment.name)", "identity": "\(parameters.identity.modeName)",
            "objects": "\(parameters.objects.count)", "pod": "\(parameters.pod.namespace)/\(parameters.pod.name)",
        ])
        let fetched = try await fetchAll(parameters.objects, fetcher: ObjectFetcher(client: client, deadline: deadline))
        return try assemble(parameters.objects, fetched: fetched, defaultFileMode: request.defaultFileMode)
    }

    /// Fetches every object concurrently (at most `maximumConcurrentFetches` at a time), in input order.
    private func fetchAll(_ objects: [KeyVaultObject], fetcher: ObjectFetcher) async throws(MountError) -> [[FetchedVersion]] {
        do {
            return try await withThrowingTaskGroup(of: (Int, [FetchedVersion]).self) { group in
                var results = [[FetchedVersion]](repeating: [], count: objects.count)
                var next = 0
                func startNext() {
                    let index = next
                    let object = objects[index]
                    group.addTask { (index, try await fetcher.fetch(object)) }
                    next += 1
                }
                while next < min(objects.count, Self.maximumConcurrentFetches) { startNext() }
                while let (index, versions) = try await group.next() {
                    results[index] = versions
                    if next < objects.count { startNext() }
                }
                return results
            }
        } catch let error as MountError {
            throw error
        } catch is CancellationError {
            throw MountError(.deadlineExceeded, "mount cancelled before all objects were fetched")
        } catch {
            throw MountError(.internalError, "failed to fetch objects: \(error)")
        }
    }

    /// Files in the order of the objects, checked for paths that collide once conversion added
    /// `.crt`/`.key` files (names alone are checked earlier, by the parameters).
    private func assemble(_ objects: [KeyVaultObject], fetched: [[FetchedVersion]], defaultFileMode: Int32) throws(MountError) -> MountResult {
        let assembler = FileAssembler(
            options: ContentOptions(
                constructPEMChain: settings.constructPEMChain,
                writeCertAndKeyInSeparateFiles: settings.writeCertAndKeyInSeparateFiles),
            defaultFileMode: defaultFileMode)
        var result = MountResult(files: [], objectVersions: [])
        var seen: [String: String] = [:]
        for (object, versions) in zip(objects, fetched) {
            let (files, objectVersions) = try assembler.files(for: object, fetched: versions)
            for file in files {
                if let other = seen[file.path] {
                    throw MountError(.invalidArgument, "duplicate file path \"\(file.path)\": written by objectName \(other) and objectName \(object.name)")
                }
                seen[file.path] = object.name
            }
            result.files += files
            result.objectVersions += objectVersions
        }
        return result
    }
}
