import Logging

/// Request JSON -> parameters -> token -> concurrent fetch -> conversion -> files and object versions.
public final class MountPipeline: MountHandler {
    let settings: PipelineSettings
    let logger: Logger

    public init(settings: PipelineSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    public func mount(_ input: MountInput) async throws(MountError) -> MountResult {
        _ = try MountRequestDecoder.decode(
            attributes: input.attributes, secrets: input.secrets, permission: input.permission)
        throw MountError(.internalError, "mounting Key Vault objects is not wired yet")
    }
}
