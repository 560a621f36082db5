import GRPCCore
import MountPipeline
import ProviderAPI
import ProviderMetrics

/// The driver-facing service: `Version` and `Mount`. It only translates between protobuf messages and
/// the pipeline's types; every decision about a mount is made by the mounter.
struct CSIDriverProviderService: V1alpha1_CSIDriverProvider.SimpleServiceProtocol {
    let mounter: any MountHandler
    let draining: Draining

    static let versionMethod = "/v1alpha1.CSIDriverProvider/Version"
    static let mountMethod = "/v1alpha1.CSIDriverProvider/Mount"

    func version(request: V1alpha1_VersionRequest, context: ServerContext) async throws -> V1alpha1_VersionResponse {
        let started = ContinuousClock.now
        defer { ProviderMetrics.grpcRequest(method: Self.versionMethod, code: "OK", duration: .now - started) }
        var response = V1alpha1_VersionResponse()
        response.version = ProviderInfo.apiVersion
        response.runtimeName = ProviderInfo.runtimeName
        response.runtimeVersion = ProviderInfo.version
        return response
    }

    func mount(request: V1alpha1_MountRequest, context: ServerContext) async throws -> V1alpha1_MountResponse {
        IdleHeapTrim.shared.mountStarted()
        defer { IdleHeapTrim.shared.mountEnded() }
        let started = ContinuousClock.now
        var code = "OK"
        defer { ProviderMetrics.grpcRequest(method: Self.mountMethod, code: code, duration: .now - started) }
        let input = MountInput(
            attributes: request.attributes,
            secrets: request.secrets,
            permission: request.permission,
            currentObjectVersions: request.currentObjectVersion.map { ObjectVersion(id: $0.id, version: $0.version) })
        let result: MountResult
        do {
            result = try await cancellable { () async throws(MountError) in try await mounter.mount(input) }
        } catch {
            code = error.kind.goCodeName
            throw RPCError(code: error.kind.rpcCode, message: "failed to mount objects, error: \(error.message)")
        }
        var response = V1alpha1_MountResponse()
        response.objectVersion = result.objectVersions.map { version in
            var message = V1alpha1_ObjectVersion()
            message.id = version.id
            message.version = version.version
            return message
        }
        response.files = result.files.map { file in
            var message = V1alpha1_File()
            message.path = file.path
            message.mode = file.mode
            message.contents = .init(file.contents)
            return message
        }
        return response
    }

    /// Runs `operation` so that it stops when the driver leaves: gRPC signals a cancelled RPC (the client's
    /// deadline, a reset stream) through the context's cancellation handle, not by cancelling the handler's task,
    /// so the mount runs in a task of its own that the handle cancels. Cancelling the mount cancels its Key Vault
    /// requests and frees their slots for other mounts. The handle also fires when graceful shutdown begins: a
    /// mount in flight then finishes, until the grace period ends and the handler's own task is cancelled.
    func cancellable(_ operation: @escaping @Sendable () async throws(MountError) -> MountResult)
        async throws(MountError) -> MountResult
    {
        let task = Task { () async -> Result<MountResult, MountError> in
            do throws(MountError) {
                return .success(try await operation())
            } catch {
                return .failure(error)
            }
        }
        let outcome = await withTaskCancellationHandler {
            await withRPCCancellationHandler {
                await task.value
            } onCancelRPC: { [draining] in
                if !draining.hasBegun { task.cancel() }
            }
        } onCancel: {
            task.cancel()
        }
        return try outcome.get()
    }
}
