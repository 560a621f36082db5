import MountPipeline

/// The files of a mount as a table: path, mode, size, object id, version. Never the contents: this is what a
/// user pastes into a ticket.
enum MountFileTable {
    static func render(_ result: MountResult) -> String {
        let header = ["PATH", "MODE", "SIZE", "OBJECT ID", "VERSION"]
        // The pipeline records one {id, version} per file, in the files' order (split files repeat the id).
        let rows = zip(result.files, result.objectVersions).map { file, version in
            [file.path, octal(file.mode), "\(file.contents.count)", version.id, version.version]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        let rightAligned: Set<Int> = [2]
        let lines = ([header] + rows).map { row in
            row.indices.map { column -> String in
                let cell = row[column]
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                if rightAligned.contains(column) { return pad + cell }
                return column == row.count - 1 ? cell : cell + pad
            }.joined(separator: "  ")
        }
        let bytes = result.files.reduce(0) { $0 + $1.contents.count }
        let summary = "\(result.files.count) file\(result.files.count == 1 ? "" : "s"), \(bytes) bytes"
        return (lines + [summary]).joined(separator: "\n") + "\n"
    }

    /// `0644`: the form `filePermission` and `ls -l` users compare it with.
    static func octal(_ mode: Int32) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
