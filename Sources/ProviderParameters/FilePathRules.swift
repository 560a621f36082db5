/// The rules an output file path must meet. They are the driver's own (its atomic writer rejects anything
/// else, after the Key Vault reads were already paid for), checked up front so a bad alias fails fast with
/// the object named, plus a check for control and invisible characters that make a path impossible to type.
public enum FilePathRules {
    public static let maxElementBytes = 255
    public static let maxPathBytes = 4096

    /// Why `path` cannot be written, or `nil` when it is fine. `field` names the parameter in messages.
    public static func problem(with path: String, field: String) -> String? {
        if path.isEmpty { return "file name must not be empty" }
        if path.hasPrefix("/") { return "file name must be a relative path, got \"\(path)\"" }
        for (offset, scalar) in path.unicodeScalars.enumerated() {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                return
                    "file name \"\(path.debugDescription.dropFirst().dropLast())\" must not contain control characters"
            }
            // The Go provider's own check (v1.7+): zero-width and other format characters hide in copied YAML.
            if scalar.properties.generalCategory == .format && scalar != "\u{AD}" {
                let code = String(scalar.value, radix: 16, uppercase: true)
                return
                    "field \(field) contains invisible format character (U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code)) at position \(offset)"
            }
        }
        let elements = path.split(separator: "/", omittingEmptySubsequences: false)
        if elements.contains("..") { return "file name must not contain '..'" }
        if elements.first?.hasPrefix("..") == true {
            // The driver keeps its own `..data` and `..<timestamp>` entries at the top of the volume.
            return "file name must not start with '..', got \"\(path)\""
        }
        if elements.contains(where: { $0.isEmpty || $0 == "." }) {
            let clean = elements.filter { !$0.isEmpty && $0 != "." }.joined(separator: "/")
            return "file name \"\(path)\" is not a clean path" + (clean.isEmpty ? "" : ", write \"\(clean)\"")
        }
        if let long = elements.first(where: { $0.utf8.count > maxElementBytes }) {
            return
                "file name element \"\(long.prefix(32))...\" is \(long.utf8.count) bytes, more than \(maxElementBytes)"
        }
        if path.utf8.count > maxPathBytes {
            return "file name is \(path.utf8.count) bytes, more than \(maxPathBytes)"
        }
        return nil
    }
}
