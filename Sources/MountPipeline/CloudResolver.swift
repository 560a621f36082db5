import AzureCloud
import Foundation
import ProviderParameters

/// The cloud a class asks for. AzureStackCloud's endpoints come from `cloudEnvFileName`, read on every
/// mount so that classes with different files never see each other's endpoints (the Go provider sets a
/// process-wide environment variable instead).
enum CloudResolver {
    /// Environment files are a few hundred bytes; anything far larger is not one.
    static let maximumFileBytes = 64 * 1024

    static func environment(for parameters: MountParameters) throws(MountError) -> AzureEnvironment {
        if let builtIn = parameters.cloudName.builtInEnvironment {
            return builtIn
        }
        guard let path = parameters.cloudEnvFileName, !path.isEmpty else {
            throw MountError(.invalidArgument, "cloudEnvFileName is required when cloudName is AzureStackCloud")
        }
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? Int, size > maximumFileBytes {
                throw MountError(.invalidArgument, "cloudEnvFileName \(path) is larger than \(maximumFileBytes) bytes")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as MountError {
            throw error
        } catch {
            throw MountError(.invalidArgument, "cloudEnvFileName \(path) cannot be read: \((error as NSError).localizedDescription)")
        }
        do {
            return try AzureEnvironment.fromEnvironmentFile(data, path: path)
        } catch {
            throw MountError(.invalidArgument, error.description)
        }
    }
}
