/// The file paths one mount writes, and which object writes each. Two objects may not write the same
/// path, and no path may be a folder of another (`x.crt` as a file and `x.crt/y`): the driver's atomic
/// writer would fail half way.
struct OutputPaths {
    private var owners: [String: String] = [:]

    mutating func claim(_ path: String, by objectName: String) throws(MountError) {
        if let other = owners[path] {
            throw MountError(.invalidArgument, "duplicate file path \"\(path)\": written by objectName \(other) and objectName \(objectName)")
        }
        // A folder of this path already written as a file, or this path already used as a folder.
        let elements = path.split(separator: "/")
        for count in elements.indices.dropLast().map({ $0 + 1 }) {
            let folder = elements.prefix(count).joined(separator: "/")
            if let other = owners[folder] {
                throw MountError(.invalidArgument, "file path \"\(path)\" of objectName \(objectName) is inside the file \"\(folder)\" of objectName \(other)")
            }
        }
        if let (inside, other) = owners.first(where: { $0.key.hasPrefix(path + "/") }) {
            throw MountError(.invalidArgument, "file path \"\(path)\" of objectName \(objectName) is a folder of \"\(inside)\" written by objectName \(other)")
        }
        owners[path] = objectName
    }
}
