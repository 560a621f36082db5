import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `--endpoint` socket: `unix:///var/run/secrets-store-csi-providers/azure.sock`.
public struct UnixSocketEndpoint: Sendable, Equatable {
    public var path: String

    /// `sun_path` holds 108 bytes including the terminating NUL.
    static let maximumPathBytes = 107

    public init(parsing endpoint: String) throws(EndpointError) {
        let prefix = "unix://"
        guard endpoint.lowercased().hasPrefix(prefix) else {
            throw EndpointError(
                "invalid endpoint \"\(endpoint)\": expected unix://<path>, e.g. unix:///provider/azure.sock")
        }
        let path = String(endpoint.dropFirst(prefix.count))
        guard !path.isEmpty else {
            throw EndpointError("invalid endpoint \"\(endpoint)\": the socket path is empty")
        }
        guard path.utf8.count <= Self.maximumPathBytes else {
            throw EndpointError(
                "invalid endpoint \"\(endpoint)\": a unix socket path may have at most \(Self.maximumPathBytes) bytes")
        }
        self.path = path
    }

    /// Makes the path ready to bind: the directory must exist; a stale socket left by a dead provider is
    /// removed; a socket a live server still answers on, or a file that is not a socket, is left alone
    /// and reported (the gRPC transport would otherwise delete it and silently take the path over).
    /// Returns whether a stale socket was removed.
    @discardableResult
    public func prepare() throws(EndpointError) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        let directoryPath = directory.isEmpty ? "." : directory
        guard FileManager.default.fileExists(atPath: directoryPath, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw EndpointError(
                "socket directory \(directoryPath) does not exist: create it or mount the providers directory there")
        }
        var status = stat()
        guard lstat(path, &status) == 0 else {
            return false  // Nothing there: the normal start.
        }
        guard (status.st_mode & S_IFMT) == S_IFSOCK else {
            throw EndpointError("\(path) exists and is not a socket: refusing to replace it")
        }
        if Self.isAnswering(path: path) {
            throw EndpointError("\(path) is in use by a running server: stop it first or choose another --endpoint")
        }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw EndpointError("cannot remove stale socket \(path): \(String(cString: strerror(errno)))")
        }
        return true
    }

    /// Whether something accepts connections on the socket at `path`.
    static func isAnswering(path: String) -> Bool {
        #if canImport(Glibc)
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() where index < buffer.count - 1 {
                buffer[index] = byte
            }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }
}
