import KeyVaultContent
import Logging
import ProviderParameters

/// Request JSON -> parameters -> vault reader -> concurrent reads -> conversion -> files and object versions.
/// All or nothing: the first failing object fails the mount and no file is returned.
public final class KeyVaultMounter: MountHandler {
    /// Key Vault requests of one mount in flight at once; more wait for a free slot.
    static let maximumConcurrentRequests = 16

    let settings: PipelineSettings
    let vaults: any VaultReaderFactory
    let logger: Logger
    let deprecations = DeprecationNotices()

    public init(settings: PipelineSettings, vaults: any VaultReaderFactory, logger: Logger) {
        self.settings = settings
        self.vaults = vaults
        self.logger = logger
    }

    public func mount(_ input: MountInput) async throws(MountError) -> MountResult {
        let deadline = ContinuousClock.now.advanced(by: settings.mountTimeout)
        let request = try MountRequestDecoder.decode(
            attributes: input.attributes, secrets: input.secrets, permission: input.permission)
        let parameters: MountParameters
        do {
            parameters = try MountParameters.parse(
                attributes: request.attributes, secrets: request.secrets, settings: settings.parameters)
        } catch {
            throw MountErrorMapping.parameters(error)
        }
        warnIfDeprecated(parameters)
        let environment = try CloudResolver.environment(for: parameters.cloud)
        let reader = try vaults.reader(for: parameters, environment: environment)
        logger.debug(
            "mounting",
            metadata: [
                "vault": "\(parameters.keyvaultName)", "cloud": "\(environment.name)",
                "identity": "\(parameters.identity.modeName)",
                "objects": "\(parameters.objects.count)", "pod": "\(parameters.pod.namespace)/\(parameters.pod.name)",
            ])
        let fetcher = ObjectFetcher(
            reader: reader, deadline: deadline, slots: RequestSlots(limit: Self.maximumConcurrentRequests))
        let fetched = try await fetchAll(parameters.objects, fetcher: fetcher)
        return try assemble(
            parameters.objects, fetched: fetched, defaultFileMode: request.defaultFileMode, deadline: deadline)
    }

    private func warnIfDeprecated(_ parameters: MountParameters) {
        guard case .podIdentity = parameters.identity else { return }
        let className = parameters.className ?? "(unnamed)"
        deprecations.warnOnce(
            class: "\(parameters.pod.namespace)/\(className)", logger: logger,
            "usePodIdentity is deprecated: aad-pod-identity is archived upstream; move this class to workload identity",
            metadata: ["secretProviderClass": "\(className)", "namespace": "\(parameters.pod.namespace)"])
    }

    /// Fetches every object concurrently (the fetcher's slots bound the requests in flight), in input order.
    private func fetchAll(_ objects: [KeyVaultObject], fetcher: ObjectFetcher) async throws(MountError)
        -> [[FetchedVersion]]
    {
        do {
            return try await withThrowingTaskGroup(of: (Int, [FetchedVersion]).self) { group in
                for (index, object) in objects.enumerated() {
                    group.addTask { (index, try await fetcher.fetch(object)) }
                }
                var results = [[FetchedVersion]](repeating: [], count: objects.count)
                while let (index, versions) = try await group.next() {
                    results[index] = versions
                }
                return results
            }
        } catch let error as MountError {
            throw error
        } catch {
            throw MountError(.internalError, "failed to fetch objects: \(error)")
        }
    }

    /// Files in the order of the objects. Conversion can be heavy (PKCS#12 key derivation), so the
    /// deadline is checked between objects; paths are claimed again once conversion added split files
    /// (names alone were checked by the parameters).
    private func assemble(
        _ objects: [KeyVaultObject], fetched: [[FetchedVersion]], defaultFileMode: Int32,
        deadline: ContinuousClock.Instant
    ) throws(MountError) -> MountResult {
        let assembler = FileAssembler(settings: settings.content, defaultFileMode: defaultFileMode)
        var result = MountResult(files: [], objectVersions: [])
        var owners = OutputPaths()
        for (object, versions) in zip(objects, fetched) {
            guard ContinuousClock.now < deadline else {
                throw MountError(.deadlineExceeded, "mount timed out while converting objectName \(object.name)")
            }
            let (files, objectVersions) = try assembler.files(for: object, fetched: versions)
            for file in files {
                try owners.claim(file.path, by: object.name)
            }
            result.files += files
            result.objectVersions += objectVersions
        }
        return result
    }
}
