import GRPCCore
import MountPipeline
import ProviderAPI

/// The driver-facing service: `Version` and `Mount`. It only translates between protobuf messages and
/// the pipeline's types; every decision about a mount is made by the mounter.
struct CSIDriverProviderService: V1alpha1_CSIDriverProvider.SimpleServiceProtocol {
    let mounter: any MountHandler

    func version(request: V1alpha1_VersionRequest, context: ServerContext) async throws -> V1alpha1_VersionResponse {
        var response = V1alpha1_VersionResponse()
        response.version = ProviderInfo.apiVersion
        response.runtimeName = ProviderInfo.runtimeName
        response.runtimeVersion = ProviderInfo.version
        return response
    }

    func mount(request: V1alpha1_MountRequest, context: ServerContext) async throws -> V1alpha1_MountResponse {
        IdleHeapTrim.shared.mountStarted()
        defer { IdleHeapTrim.shared.mountEnded() }
        let input = MountInput(
            attributes: request.attributes,
            secrets: request.secrets,
            permission: request.permission,
            currentObjectVersions: request.currentObjectVersion.map { ObjectVersion(id: $0.id, version: $0.version) })
        let result: MountResult
        do {
            result = try await mounter.mount(input)
        } catch {
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
}
