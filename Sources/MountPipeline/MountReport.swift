import KeyVaultClient
import Logging
import ProviderParameters

/// What a mount's one info line says: whose mount, how it ended, how long it took, and what it cost.
struct MountReport {
    var pod = ""
    var className = ""
    var identity = ""
    var objects = 0
    /// Key Vault reads this mount sent, and reads it got from another read (of this mount or another).
    var readsSent = 0
    var readsShared = 0
    var rotated: RotationChanges?

    mutating func describe(_ parameters: MountParameters) {
        pod = "\(parameters.pod.namespace)/\(parameters.pod.name)"
        className = parameters.className ?? ""
        identity = parameters.identity.modeName
        objects = parameters.objects.count
    }

    mutating func count(_ statistics: [ReadStatistics], reusedWithinMount: Int) {
        readsSent = statistics.reduce(0) { $0 + $1.sent }
        readsShared = statistics.reduce(reusedWithinMount) { $0 + $1.shared }
    }

    func log(_ outcome: Result<MountResult, MountError>, elapsed: Duration, logger: Logger) {
        var metadata: Logger.Metadata = [
            "pod": "\(pod)", "class": "\(className)", "identity": "\(identity)", "objects": "\(objects)",
            "duration_ms":
                "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
            "requests": "\(readsSent)", "shared_reads": "\(readsShared)",
        ]
        switch outcome {
        case .success(let result):
            metadata["result"] = "OK"
            logger.info("mount", metadata: metadata)
            for version in result.objectVersions {
                logger.debug("mounted object", metadata: ["id": "\(version.id)", "version": "\(version.version)"])
            }
        case .failure(let error):
            metadata["result"] = "\(error.kind.statusName)"
            metadata["error"] = "\(error.message)"
            logger.info("mount", metadata: metadata)
        }
        if let rotated, !rotated.changes.isEmpty {
            logger.info(
                "object versions changed",
                metadata: [
                    "pod": "\(pod)", "class": "\(className)", "changes": "\(rotated.changes.joined(separator: ", "))",
                ])
        }
    }
}
