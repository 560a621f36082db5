import AzureHTTP
import KeyVaultClient
import KeyVaultContent
import Logging
import ProviderMetrics
import ProviderParameters

/// Request JSON -> parameters -> vault reader -> concurrent reads -> conversion -> files and object versions.
/// All or nothing: when objects fail, the error names every one of them and no file is returned.
public final class KeyVaultMounter: MountHandler {
    /// Key Vault requests of one mount in flight at once; more wait for a free slot. As many as the HTTP client's
    /// connections per host and the vault's default request limit (`--max-requests-per-vault`): 50 objects are
    /// two rounds of reads.
    static let maximumConcurrentRequests = 32
    /// The driver's default gRPC receive limit: a larger answer never reaches it.
    public static let maximumResponseBytes = 4 << 20
    /// A Kubernetes Secret holds at most 1 MiB: larger mounts cannot be synced with `secretObjects`.
    static let secretSizeLimit = 1 << 20

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
        let started = ContinuousClock.now
        ProviderMetrics.mountStarted()
        defer { ProviderMetrics.mountEnded() }
        var report = MountReport()
        let outcome: Result<MountResult, MountError>
        do throws(MountError) {
            outcome = .success(try await run(input, report: &report))
        } catch {
            outcome = .failure(error)
        }
        report.log(outcome, elapsed: ContinuousClock.now - started, logger: logger)
        return try outcome.get()
    }

    /// What a mount knows before its first request: the request decoded, the class validated, the cloud's
    /// endpoints resolved. `mount --dry-run` stops here.
    public static func prepare(_ input: MountInput, settings: ParameterSettings) throws(MountError) -> PreparedMount {
        let request = try MountRequestDecoder.decode(
            attributes: input.attributes, secrets: input.secrets, permission: input.permission)
        let parameters: MountParameters
        do {
            parameters = try MountParameters.parse(
                attributes: request.attributes, secrets: request.secrets, settings: settings)
        } catch {
            throw MountErrorMapping.parameters(error)
        }
        return PreparedMount(
            request: request, parameters: parameters, environment: try CloudResolver.environment(for: parameters.cloud))
    }

    private func run(_ input: MountInput, report: inout MountReport) async throws(MountError) -> MountResult {
        let deadline = ContinuousClock.now.advanced(by: settings.mountTimeout)
        let prepared = try Self.prepare(input, settings: settings.parameters)
        let (request, parameters, environment) = (prepared.request, prepared.parameters, prepared.environment)
        report.describe(parameters)
        warnIfDeprecated(parameters)
        // One reader per vault: the class's, then those its objects name (same identity, so one token).
        var readers: [String: any VaultReading] = [:]
        for vault in [parameters.keyvaultName] + parameters.objects.compactMap(\.vault) where readers[vault] == nil {
            readers[vault] = try vaults.reader(for: parameters, vault: vault, environment: environment)
        }
        logger.debug(
            "mounting",
            metadata: [
                "vault": "\(parameters.keyvaultName)", "cloud": "\(environment.name)",
                "identity": "\(parameters.identity.modeName)", "objects": "\(parameters.objects.count)",
                "pod": "\(parameters.pod.namespace)/\(parameters.pod.name)",
            ])
        let fetcher = ObjectFetcher(
            readers: readers, classVault: parameters.keyvaultName, deadline: deadline,
            slots: RequestGate(limit: Self.maximumConcurrentRequests), metricsObjectNames: settings.metricsObjectNames)
        let fetched = await fetchAll(parameters.objects, fetcher: fetcher)
        report.count(readers.values.map(\.statistics), reusedWithinMount: fetcher.reads.reused)
        let result = try assemble(
            parameters.objects, fetched: fetched, defaultFileMode: request.defaultFileMode, deadline: deadline)
        try checkSize(of: result)
        let rotated = RotationChanges(previous: input.currentObjectVersions, current: result.objectVersions)
        ProviderMetrics.rotationChanges(rotated.changes.count)
        report.rotated = rotated
        return result
    }

    private func warnIfDeprecated(_ parameters: MountParameters) {
        guard case .podIdentity = parameters.identity else { return }
        let className = parameters.className ?? "(unnamed)"
        deprecations.warnOnce(
            class: "\(parameters.pod.namespace)/\(className)", logger: logger,
            "usePodIdentity is deprecated: aad-pod-identity is archived upstream; move this class to workload identity",
            metadata: ["secretProviderClass": "\(className)", "namespace": "\(parameters.pod.namespace)"])
    }

    /// Fetches every object concurrently (the fetcher's slots bound the requests in flight), in input order. Every
    /// object's outcome is kept, so a failed mount can name all the objects that failed.
    ///
    /// Each child stores its outcome in its own slot and the group carries no values: returning
    /// `(Int, Result<[FetchedVersion], MountError>)` through the group trapped on every mount of a release build
    /// (Swift 6.3, `-O`: the index read back was out of range), while debug builds worked.
    private func fetchAll(_ objects: [KeyVaultObject], fetcher: ObjectFetcher) async -> [Result<
        [FetchedVersion], MountError
    >] {
        let outcomes = FetchOutcomes(count: objects.count)
        await withTaskGroup(of: Void.self) { group in
            for (index, object) in objects.enumerated() {
                group.addTask { outcomes.store(await self.outcome(of: object, fetcher: fetcher), at: index) }
            }
        }
        return outcomes.all
    }

    private func outcome(of object: KeyVaultObject, fetcher: ObjectFetcher) async -> Result<
        [FetchedVersion], MountError
    > {
        do throws(MountError) {
            return .success(try await fetcher.fetch(object))
        } catch {
            guard object.isOptional, fetcher.missing.contains(object.index) else {
                return .failure(error)
            }
            skipOptional(object, because: error)
            return .success([])
        }
    }

    /// An optional object that does not exist (404, or no enabled version) writes nothing; the mount goes on.
    private func skipOptional(_ object: KeyVaultObject, because error: MountError) {
        ProviderMetrics.optionalObjectMissing()
        logger.warning(
            "optional object not found: no file written",
            metadata: ["object": "\(object.id(historyIndex: nil))", "reason": "\(error.message)"])
    }

    /// Files in the order of the objects. Conversion can be heavy (PKCS#12 key derivation), so the deadline is
    /// checked between objects; paths are claimed again once conversion added split files (names alone were
    /// checked by the parameters). Every object that failed, to read or to convert, is named.
    private func assemble(
        _ objects: [KeyVaultObject], fetched: [Result<[FetchedVersion], MountError>], defaultFileMode: Int32,
        deadline: ContinuousClock.Instant
    ) throws(MountError) -> MountResult {
        let assembler = FileAssembler(settings: settings.content, defaultFileMode: defaultFileMode)
        var result = MountResult(files: [], objectVersions: [])
        var owners = OutputPaths()
        var failures: [MountError] = []
        for (object, outcome) in zip(objects, fetched) {
            let versions: [FetchedVersion]
            switch outcome {
            case .failure(let error):
                failures.append(error)
                continue
            case .success(let fetched):
                versions = fetched
            }
            guard ContinuousClock.now < deadline else {
                failures.append(
                    MountError(.deadlineExceeded, "mount timed out while converting objectName \(object.name)"))
                break
            }
            do throws(MountError) {
                let (files, objectVersions) = try assembler.files(for: object, fetched: versions)
                for file in files {
                    try owners.claim(file.path, by: object.name)
                }
                result.files += files
                result.objectVersions += objectVersions
            } catch {
                failures.append(error)
            }
        }
        if let first = failures.first {
            throw MountError(first.kind, failures.map(\.message).joined(separator: "; "))
        }
        return result
    }

    /// Refuses an answer the driver could not receive, naming the largest files; warns when it could not be
    /// synced to a Kubernetes Secret.
    private func checkSize(of result: MountResult) throws(MountError) {
        let size = result.wireSize
        guard size > Self.secretSizeLimit else { return }
        let largest = result.files.sorted { $0.contents.count > $1.contents.count }.prefix(3)
            .map { "\($0.path) (\($0.contents.count) bytes)" }.joined(separator: ", ")
        guard size <= Self.maximumResponseBytes else {
            throw MountError(
                .invalidArgument,
                "the mount's answer would be \(size) bytes, more than the \(Self.maximumResponseBytes) bytes the"
                    + " driver accepts; largest files: \(largest)")
        }
        logger.warning(
            "mount is larger than a Kubernetes Secret can hold (1 MiB): syncing these files with secretObjects fails",
            metadata: ["bytes": "\(size)", "largest": "\(largest)"])
    }
}
