import AzureCloud
import Foundation
import ProviderParameters

/// The cloud a class asks for. AzureStackCloud's endpoints come from `cloudEnvFileName`, read on every
/// mount so that classes with different files never see each other's endpoints (the Go provider sets a
/// process-wide environment variable instead). Public for `mount --dry-run`, which resolves the cloud as a mount does.
enum CloudResolver {
    /// Environment files are a few hundred bytes; anything far larger is not one.
    static let maximumFileBytes = 64 * 1024

    static func environment(for cloud: CloudSelection) throws(MountError) -> AzureEnvironment {
        switch cloud {
        case .builtIn(let environment):
            return environment
        case .azureStack(let path):
            let data = try readEnvironmentFile(path)
            do {
                return try AzureEnvironment.fromEnvironmentFile(data, path: path)
            } catch {
                throw MountError(.invalidArgument, error.description)
            }
        }
    }

    /// Reads at most `maximumFileBytes + 1` bytes of a regular file. The path comes from a class, so it
    /// may name a device, a FIFO or a `/proc` file whose reported size says nothing: those are refused.
    static func readEnvironmentFile(_ path: String) throws(MountError) -> Data {
        let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
        guard let type else {
            throw MountError(.invalidArgument, "cloudEnvFileName \(path) cannot be read: no such file")
        }
        guard type == .typeRegular else {
            throw MountError(.invalidArgument, "cloudEnvFileName \(path) is not a regular file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MountError(.invalidArgument, "cloudEnvFileName \(path) cannot be read: permission denied")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumFileBytes + 1) ?? Data()
        } catch {
            throw MountError(
                .invalidArgument, "cloudEnvFileName \(path) cannot be read: \((error as NSError).localizedDescription)")
        }
        guard data.count <= maximumFileBytes else {
            throw MountError(.invalidArgument, "cloudEnvFileName \(path) is larger than \(maximumFileBytes) bytes")
        }
        return data
    }
}
