import ProviderParameters

/// The files one mount returns, claimed by the objects that write them: `PathClaims` over the converted files,
/// which may add split files (`.crt`, `.key`) that the parameters could not foresee.
struct OutputPaths {
    private var claims = PathClaims<String>()

    mutating func claim(_ path: String, by objectName: String) throws(MountError) {
        switch claims.claim(path, by: objectName) {
        case nil:
            return
        case .samePath(let other):
            throw MountError(
                .invalidArgument,
                "duplicate file path \"\(path)\": written by objectName \(other) and objectName \(objectName)")
        case .insideFile(let folder, let other):
            throw MountError(
                .invalidArgument,
                "file path \"\(path)\" of objectName \(objectName) is inside the file \"\(folder)\" of objectName \(other)"
            )
        case .folderOf(let file, let other):
            throw MountError(
                .invalidArgument,
                "file path \"\(path)\" of objectName \(objectName) is a folder of \"\(file)\" written by objectName \(other)"
            )
        }
    }
}
