/// PEM reading and writing with the exact rules of Go's `encoding/pem`, because the Go provider
/// builds and splits its files with it: blocks are written with 64-character lines and a final
/// newline, and reading skips text between blocks and malformed blocks the way `pem.Decode` does.
struct PEMBlock: Equatable {
    var type: [UInt8]
    /// Header lines (`Key: Value`) as read; kept as bytes because Go keeps them as raw strings.
    var headers: [[UInt8]: [UInt8]] = [:]
    var bytes: [UInt8]

    init(type: String, bytes: [UInt8]) {
        self.type = Array(type.utf8)
        self.bytes = bytes
    }

    init(type: [UInt8], headers: [[UInt8]: [UInt8]], bytes: [UInt8]) {
        self.type = type
        self.headers = headers
        self.bytes = bytes
    }

    static let certificateType = Array("CERTIFICATE".utf8)

    /// `pem.EncodeToMemory`: "Proc-Type" first, the other headers sorted bytewise, a blank line
    /// after them, then the base64 body in 64-character lines.
    func encoded() -> [UInt8] {
        var out = Array("-----BEGIN ".utf8) + type + Array("-----\n".utf8)
        if !headers.isEmpty {
            let procType = Array("Proc-Type".utf8)
            var keys = headers.keys.filter { $0 != procType }
            keys.sort { $0.lexicographicallyPrecedes($1) }
            if headers[procType] != nil { keys.insert(procType, at: 0) }
            for key in keys {
                out += key + Array(": ".utf8) + headers[key]! + [UInt8(ascii: "\n")]
            }
            out.append(UInt8(ascii: "\n"))
        }
        let body = Base64.encode(bytes)
        var start = 0
        while start < body.count {
            let end = min(start + 64, body.count)
            out += body[start..<end]
            out.append(UInt8(ascii: "\n"))
            start = end
        }
        out += Array("-----END ".utf8) + type + Array("-----\n".utf8)
        return out
    }

    /// Every block `pem.Decode` would find, in order, called until it finds no more.
    static func decodeAll(_ data: [UInt8]) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var rest = data[...]
        while let (block, next) = decode(rest) {
            blocks.append(block)
            rest = next
        }
        return blocks
    }

    private static let begin = Array("-----BEGIN ".utf8)
    private static let end = Array("-----END ".utf8)
    private static let dashes = Array("-----".utf8)
    private static let newline = UInt8(ascii: "\n")

    /// A port of Go's `pem.Decode` (Go 1.21+ semantics).
    private static func decode(_ data: ArraySlice<UInt8>) -> (PEMBlock, ArraySlice<UInt8>)? {
        var rest = data
        while true {
            if rest.starts(with: begin) {
                rest = rest.dropFirst(begin.count)
            } else if let range = rest.firstRange(of: [newline] + begin) {
                rest = rest[range.upperBound...]
            } else {
                return nil
            }

            var (typeLine, afterType) = line(rest)
            rest = afterType
            guard typeLine.hasSuffix(dashes) else { continue }
            typeLine = typeLine.dropLast(dashes.count)

            var headers: [[UInt8]: [UInt8]] = [:]
            while true {
                if rest.isEmpty { return nil }
                let (headerLine, next) = line(rest)
                guard let colon = headerLine.firstIndex(of: UInt8(ascii: ":")) else { break }
                headers[Array(trimSpace(headerLine[..<colon]))] = Array(trimSpace(headerLine[(colon + 1)...]))
                rest = next
            }

            // Without headers the END line may follow at once, without a leading newline.
            let endIndex: Int
            let trailerIndex: Int
            if headers.isEmpty && rest.starts(with: end) {
                endIndex = rest.startIndex
                trailerIndex = endIndex + end.count
            } else if let range = rest.firstRange(of: [newline] + end) {
                endIndex = range.lowerBound
                trailerIndex = range.upperBound
            } else {
                continue
            }

            // The END line must name the same type, end in five dashes and then only blanks.
            let trailerLength = typeLine.count + dashes.count
            guard rest.endIndex - trailerIndex >= trailerLength else { continue }
            let trailer = rest[trailerIndex..<(trailerIndex + trailerLength)]
            guard trailer.starts(with: typeLine), trailer.hasSuffix(dashes) else { continue }
            guard line(rest[(trailerIndex + trailerLength)...]).line.isEmpty else { continue }

            let body = rest[..<endIndex].filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
            guard let bytes = Base64.decode(body, alphabet: .standard) else { continue }

            // Resume after the END line (the newline before "-----END " may be absent).
            let afterEnd = line(rest[(endIndex + (rest[endIndex] == newline ? 1 : 0) + end.count)...]).rest
            return (PEMBlock(type: Array(typeLine), headers: headers, bytes: bytes), afterEnd)
        }
    }

    /// Go's `getLine`: the text up to "\n" (without "\r\n"), right-trimmed of spaces and tabs.
    private static func line(_ data: ArraySlice<UInt8>) -> (line: ArraySlice<UInt8>, rest: ArraySlice<UInt8>) {
        guard let newlineIndex = data.firstIndex(of: newline) else {
            return (trimRight(data), data[data.endIndex...])
        }
        var lineEnd = newlineIndex
        if lineEnd > data.startIndex && data[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        return (trimRight(data[..<lineEnd]), data[(newlineIndex + 1)...])
    }

    private static func trimRight(_ data: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var result = data
        while let last = result.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            result = result.dropLast()
        }
        return result
    }

    private static func trimSpace(_ data: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isSpace: (UInt8) -> Bool = { [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20].contains($0) }
        var result = data
        while let first = result.first, isSpace(first) { result = result.dropFirst() }
        while let last = result.last, isSpace(last) { result = result.dropLast() }
        return result
    }
}

extension ArraySlice<UInt8> {
    fileprivate func hasSuffix(_ suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(endIndex - suffix.count)...].elementsEqual(suffix)
    }
}
