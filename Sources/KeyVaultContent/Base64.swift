/// Base64 with the Go standard library's decoding rules, so that what the Go provider accepts
/// (and rejects) is accepted (and rejected) here too: `\r` and `\n` are skipped anywhere,
/// padding is required for the standard alphabet, and unused trailing bits are ignored.
enum Base64 {
    enum Alphabet {
        /// RFC 4648 section 4 (`+`, `/`), padded: Go's `base64.StdEncoding`.
        case standard
        /// RFC 4648 section 5 (`-`, `_`), unpadded: Go's `base64.RawURLEncoding`.
        case url
    }

    private static let standardSymbols = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static func table(_ alphabet: Alphabet) -> [UInt8] {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, symbol) in standardSymbols.enumerated() { table[Int(symbol)] = UInt8(value) }
        if alphabet == .url {
            table[Int(UInt8(ascii: "+"))] = 0xFF
            table[Int(UInt8(ascii: "/"))] = 0xFF
            table[Int(UInt8(ascii: "-"))] = 62
            table[Int(UInt8(ascii: "_"))] = 63
        }
        return table
    }

    private static let standardTable = table(.standard)
    private static let urlTable = table(.url)

    /// Decodes `input`; nil when Go would report "illegal base64 data".
    static func decode(_ input: some Sequence<UInt8>, alphabet: Alphabet) -> [UInt8]? {
        let table = alphabet == .standard ? standardTable : urlTable
        var values: [UInt8] = []
        var padding = 0
        for byte in input where byte != UInt8(ascii: "\r") && byte != UInt8(ascii: "\n") {
            if byte == UInt8(ascii: "=") && alphabet == .standard {
                padding += 1
                continue
            }
            // Nothing but padding (and line breaks) may follow the first "=".
            guard padding == 0 else { return nil }
            let value = table[Int(byte)]
            guard value != 0xFF else { return nil }
            values.append(value)
        }
        let remainder = values.count % 4
        switch alphabet {
        case .standard:
            guard padding <= 2, (values.count + padding) % 4 == 0, padding == 0 || remainder + padding == 4 else {
                return nil
            }
        case .url:
            guard remainder != 1 else { return nil }
        }
        var output: [UInt8] = []
        output.reserveCapacity(values.count * 3 / 4)
        var index = 0
        while index + 4 <= values.count {
            let group =
                UInt32(values[index]) << 18 | UInt32(values[index + 1]) << 12
                | UInt32(values[index + 2]) << 6 | UInt32(values[index + 3])
            output.append(UInt8(truncatingIfNeeded: group >> 16))
            output.append(UInt8(truncatingIfNeeded: group >> 8))
            output.append(UInt8(truncatingIfNeeded: group))
            index += 4
        }
        if remainder >= 2 {
            let group =
                UInt32(values[index]) << 18 | UInt32(values[index + 1]) << 12
                | (remainder == 3 ? UInt32(values[index + 2]) << 6 : 0)
            output.append(UInt8(truncatingIfNeeded: group >> 16))
            if remainder == 3 { output.append(UInt8(truncatingIfNeeded: group >> 8)) }
        }
        return output
    }

    /// Standard alphabet with padding, no line breaks.
    static func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(standardSymbols[Int(group >> 18 & 63)])
            output.append(standardSymbols[Int(group >> 12 & 63)])
            output.append(second == nil ? UInt8(ascii: "=") : standardSymbols[Int(group >> 6 & 63)])
            output.append(third == nil ? UInt8(ascii: "=") : standardSymbols[Int(group & 63)])
        }
        return output
    }
}
