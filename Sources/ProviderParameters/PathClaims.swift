/// Which owner writes each output path of one mount. Two owners may not write the same path, and a path may not
/// be one owner's file and another's folder (`a` and `a/0`): the driver's atomic writer would fail half way,
/// after the Key Vault reads were paid for. (The Go provider lets the last object silently win.) The
/// parameters claim every object's paths before any read; the pipeline claims the converted files again, since
/// only conversion knows whether a secret also gets its split files (`SplitFile`).
public struct PathClaims<Owner> {
    /// What stands in the way of a claim.
    public enum Conflict {
        /// The same path is already claimed.
        case samePath(owner: Owner)
        /// `folder`, a folder on the claimed path, is already claimed as a file.
        case insideFile(folder: String, owner: Owner)
        /// The claimed path is a folder of `file`, already claimed.
        case folderOf(file: String, owner: Owner)

        public var owner: Owner {
            switch self {
            case .samePath(let owner), .insideFile(_, let owner), .folderOf(_, let owner): return owner
            }
        }
    }

    private var files: [String: Owner] = [:]
    /// Every proper folder of a claimed file -> the first file claimed under it.
    private var folders: [String: (file: String, owner: Owner)] = [:]

    public init() {}

    /// Claims `path` for `owner`, or returns what stands in the way and claims nothing.
    public mutating func claim(_ path: String, by owner: Owner) -> Conflict? {
        if let other = files[path] { return .samePath(owner: other) }
        let pathFolders = Self.folders(of: path)
        if let folder = pathFolders.first(where: { files[$0] != nil }), let other = files[folder] {
            return .insideFile(folder: folder, owner: other)
        }
        if let inside = folders[path] { return .folderOf(file: inside.file, owner: inside.owner) }
        files[path] = owner
        for folder in pathFolders where folders[folder] == nil { folders[folder] = (path, owner) }
        return nil
    }

    /// `a/b/c` -> `a`, `a/b`.
    private static func folders(of path: String) -> [String] {
        var result: [String] = []
        var current = ""
        for element in path.split(separator: "/").dropLast() {
            current = current.isEmpty ? String(element) : current + "/" + element
            result.append(current)
        }
        return result
    }
}
