/// One fuzzer input cut into fields at NUL bytes (0x00), the separator no parsed text needs.
public struct FuzzInput {
    public var bytes: [UInt8]

    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    }

    /// At most `limit` fields: the last one keeps any further NUL bytes.
    public func fields(_ bytes: ArraySlice<UInt8>? = nil, limit: Int) -> [ArraySlice<UInt8>] {
        let input = bytes ?? self.bytes[...]
        return input.split(separator: 0, maxSplits: limit - 1, omittingEmptySubsequences: false)
    }

    /// Text as the provider receives it: a Swift `String` (invalid UTF-8 becomes U+FFFD, as in a gRPC string).
    public static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Standard (`+/`, padded) or URL-safe unpadded base64, as Key Vault writes PFX / JWK members.
    public static func base64(_ bytes: ArraySlice<UInt8>, urlSafe: Bool) -> String {
        let table = Array(
            (urlSafe
                ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/").utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let remaining = bytes.endIndex - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            out.append(table[Int(triple >> 18 & 63)])
            out.append(table[Int(triple >> 12 & 63)])
            if remaining > 1 {
                out.append(table[Int(triple >> 6 & 63)])
            } else if !urlSafe {
                out.append(UInt8(ascii: "="))
            }
            if remaining > 2 { out.append(table[Int(triple & 63)]) } else if !urlSafe { out.append(UInt8(ascii: "=")) }
            index += min(3, remaining)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// libFuzzer's entry point for a program that has its own `main` (libclang_rt.fuzzer, linked by
/// `-sanitize=fuzzer`).
@_silgen_name("LLVMFuzzerRunDriver")
private func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Runs libFuzzer with the command line and `callback` as `LLVMFuzzerTestOneInput`. SwiftPM links an executable
/// target's `main` to `<Target>_main`, which each target defines with `@_cdecl` to call this; libFuzzer's own
/// `main` would be left out of the link.
public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt {
    var argc = argc
    var argv = argv
    return llvmFuzzerRunDriver(&argc, &argv, callback)
}
