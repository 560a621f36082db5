import GRPCCore
import Logging
import MountPipeline
import ProviderAPI

/// The driver-facing service: `Version` and `Mount`. It only translates between protobuf messages and
/// the pipeline's types; every decision about a mount is made in the pipeline.
struct CSIDriverProviderService: V1alpha1_CSIDriverProvider.SimpleServiceProtocol {
    let pipeline: any MountHandler
    let logger: Logger

    func version(request: V1alpha1_VersionRequest, context: ServerContext) async throws -> V1alpha1_VersionResponse {
        var response = V1alpha1_VersionResponse()
        response.version = ProviderInfo.apiVersion
        response.runtimeName = ProviderInfo.runtimeName
        response.runtimeVersion = ProviderInfo.version
        return response
    }

    func mount(request: V1alpha1_MountRequest, context: ServerContext) async throws -> V1alpha1_MountResponse {
        let input = MountInput(
            attributes: request.attributes,
            secrets: request.secrets,
            permission: request.permission,
            currentObjectVersions: request.currentObjectVersion.map { ObjectVersion(id: $0.id, version: $0.version) })
        let result: MountResult
        do {
            result = try await pipeline.mount(input)
        } catch {
            logger.error("mount failed", metadata: ["error": "\(error.message)", "code": "\(error.kind)"])
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
        logger.info("mount succeeded", metadata: ["files": "\(result.files.count)", "objects": "\(result.objectVersions.count)"])
        return response
    }
}

extension MountError.Kind {
    /// The gRPC status a failed mount answers with. The driver fails the mount on any of them; the codes
    /// tell operators (and the driver's retry on UNAVAILABLE) what kind of failure it was.
    var rpcCode: RPCError.Code {
        switch self {
        case .invalidArgument: return .invalidArgument
        case .permissionDenied: return .permissionDenied
        case .unauthenticated: return .unauthenticated
        case .notFound: return .notFound
        case .resourceExhausted: return .resourceExhausted
        case .unavailable: return .unavailable
        case .deadlineExceeded: return .deadlineExceeded
        case .internalError: return .internalError
        }
    }
}
