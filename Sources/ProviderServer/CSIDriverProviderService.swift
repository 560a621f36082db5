import GRPCCore
import MountPipeline
import ProviderAPI
import ProviderMetrics

/// The driver-facing service: `Version` and `Mount`. It only translates between protobuf messages and
/// the pipeline's types; every decision about a mount is made by the mounter.
struct CSIDriverProviderService: V1alpha1_CSIDriverProvider.SimpleServiceProtocol {
    let mounter: any MountHandler

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
            result = try await mounter.mount(input)
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
}
