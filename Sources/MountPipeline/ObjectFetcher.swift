import AzureHTTP
import KeyVaultClient
import ProviderMetrics
import ProviderParameters

/// Reads one object, or the versions of its history, from Key Vault. Reads run concurrently, at most `slots` of
/// one mount in flight at a time, each version read once per mount (`MountReads`); every failure is reported
/// with the Go provider's prefix naming the object.
struct ObjectFetcher: Sendable {
    /// The mount's vaults by name; objects that name no vault of their own read from `classVault`.
    let readers: [String: any VaultReading]
    let classVault: String
    let deadline: ContinuousClock.Instant
    /// The mount's own bound on requests in flight (histories included).
    let slots: RequestGate
    /// Whether `keyvault_request` carries `object_name` (`--metrics-object-names`: unbounded, off by default).
    let metricsObjectNames: Bool
    let reads = MountReads()
    /// Objects found not to exist (404, or no enabled version), by index: an optional one is skipped.
    let missing = ObjectIndices()

    func fetch(_ object: KeyVaultObject) async throws(MountError) -> [FetchedVersion] {
        guard object.versionHistory > 1 else {
            return [FetchedVersion(historyIndex: nil, bundle: try await get(object, version: object.version))]
        }
        let versions = try await historyVersions(of: object)
        do {
            return try await withThrowingTaskGroup(of: FetchedVersion.self) { group in
                for (index, version) in versions.enumerated() {
                    group.addTask {
                        FetchedVersion(historyIndex: index, bundle: try await get(object, version: version))
                    }
                }
                var fetched: [FetchedVersion] = []
                for try await version in group { fetched.append(version) }
                return fetched.sorted { ($0.historyIndex ?? 0) < ($1.historyIndex ?? 0) }
            }
        } catch let error as MountError {
            throw error
        } catch {
            throw MountError(
                .internalError, "failed to get \(object.describedForErrors(version: object.version)): \(error)")
        }
    }

    /// The versions to write, newest first: enabled versions sorted by `created` (missing = epoch), starting
    /// at `objectVersion` when set, at most `objectVersionHistory` of them. (The Go provider returns one
    /// more than asked when more exist; this returns exactly the number asked for.)
    func historyVersions(of object: KeyVaultObject) async throws(MountError) -> [String] {
        let items: [VersionItem]
        do throws(KeyVaultError) {
            items = try await inSlot { () async throws(KeyVaultError) in
                try await reader(of: object).listVersions(of: object.type, name: object.name, deadline: deadline)
            }
        } catch {
            if error.isMissingObject { missing.insert(object.index) }
            throw MountErrorMapping.fetch(error, object: object, version: object.version)
        }
        let enabled = items.filter { $0.enabled != false }.sorted { ($0.created ?? 0) > ($1.created ?? 0) }
        var start = 0
        if !object.version.isEmpty {
            guard let index = enabled.firstIndex(where: { $0.version == object.version }) else {
                missing.insert(object.index)
                throw MountError(
                    .notFound,
                    "failed to get \(object.describedForErrors(version: object.version)): objectVersion \(object.version) is not an enabled version of \(object.name)"
                )
            }
            start = index
        }
        let selected = enabled.dropFirst(start).prefix(object.versionHistory).map(\.version)
        guard !selected.isEmpty else {
            missing.insert(object.index)
            throw MountError(
                .notFound,
                "failed to get \(object.describedForErrors(version: object.version)): no enabled versions of \(object.name)"
            )
        }
        return Array(selected)
    }

    /// One version of the object, read once per mount whichever objects ask for it; a slot is taken only when
    /// the read is really sent.
    func get(_ object: KeyVaultObject, version: String) async throws(MountError) -> FetchedVersion.Bundle {
        do throws(KeyVaultError) {
            return try await reads.read(
                object.vault ?? classVault, object.type, object.name, version: version, deadline: deadline
            ) {
                () async throws(KeyVaultError) -> FetchedVersion.Bundle in
                try await inSlot { () async throws(KeyVaultError) in try await timedSend(object, version: version) }
            }
        } catch {
            if error.isMissingObject { missing.insert(object.index) }
            throw MountErrorMapping.fetch(error, object: object, version: version)
        }
    }

    private func reader(of object: KeyVaultObject) -> any VaultReading {
        // The mounter opened a reader for every vault its objects name.
        readers[object.vault ?? classVault]!
    }

    /// `send`, recorded in `keyvault_request` as the Go provider records each read.
    private func timedSend(_ object: KeyVaultObject, version: String) async throws(KeyVaultError)
        -> FetchedVersion.Bundle
    {
        let started = ContinuousClock.now
        var failure: KeyVaultError?
        defer {
            ProviderMetrics.keyVaultRequest(
                objectType: object.type.rawValue, objectName: metricsObjectNames ? object.name : nil,
                error: failure?.metricClass ?? "", duration: ContinuousClock.now - started)
        }
        do throws(KeyVaultError) {
            return try await send(object, version: version)
        } catch {
            failure = error
            throw error
        }
    }

    private func send(_ object: KeyVaultObject, version: String) async throws(KeyVaultError) -> FetchedVersion.Bundle {
        let reader = reader(of: object)
        switch object.type {
        case .secret:
            return .secret(try await reader.getSecret(name: object.name, version: version, deadline: deadline))
        case .key:
            return .key(try await reader.getKey(name: object.name, version: version, deadline: deadline))
        case .cert:
            return .certificate(
                try await reader.getCertificate(name: object.name, version: version, deadline: deadline))
        }
    }

    /// Runs `body` holding one of the mount's slots.
    private func inSlot<T>(_ body: () async throws(KeyVaultError) -> T) async throws(KeyVaultError) -> T {
        do {
            try await slots.enter(deadline: deadline)
        } catch {
            throw error == .cancelled
                ? KeyVaultError(kind: .cancelled, message: "cancelled")
                : KeyVaultError(kind: .transport, message: "deadline exceeded", isDeadlineExceeded: true)
        }
        defer { slots.leave() }
        return try await body()
    }
}
