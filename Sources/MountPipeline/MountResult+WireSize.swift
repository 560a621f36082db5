extension MountResult {
    /// The size in bytes of the `v1alpha1.MountResponse` this result becomes (protobuf wire format: every field a
    /// tag byte, length-delimited ones a varint length; proto3 leaves out empty strings and a zero mode). The
    /// driver refuses answers above its gRPC receive limit, so the pipeline checks before answering.
    var wireSize: Int {
        func field(_ length: Int) -> Int { length == 0 ? 0 : 1 + Self.varintSize(length) + length }
        let versions = objectVersions.reduce(0) { total, version in
            let inner = field(version.id.utf8.count) + field(version.version.utf8.count)
            return total + 1 + Self.varintSize(inner) + inner
        }
        let files = files.reduce(0) { total, file in
            let mode = file.mode == 0 ? 0 : 1 + Self.varintSize(Int(file.mode))
            let inner = field(file.path.utf8.count) + mode + field(file.contents.count)
            return total + 1 + Self.varintSize(inner) + inner
        }
        return versions + files
    }

    private static func varintSize(_ value: Int) -> Int {
        var size = 1
        var rest = UInt64(value) >> 7
        while rest != 0 {
            size += 1
            rest >>= 7
        }
        return size
    }
}
