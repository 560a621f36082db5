/// Booleans exactly as Go's `strconv.ParseBool` reads them, because existing SecretProviderClasses were
/// written against the Go provider: a spelling it accepts must keep working, and one it rejects must fail.
public enum GoBool {
    private static let trueSpellings: Set<String> = ["1", "t", "T", "TRUE", "true", "True"]
    private static let falseSpellings: Set<String> = ["0", "f", "F", "FALSE", "false", "False"]

    /// `nil` when Go would reject the text. Public so the command line reads its boolean flags the same way.
    public static func parse(_ text: String) -> Bool? {
        if trueSpellings.contains(text) { return true }
        if falseSpellings.contains(text) { return false }
        return nil
    }

    /// Reads a boolean parameter (already trimmed); empty means false, as in the Go provider. Public so `lint`
    /// reports the mount's own error.
    public static func parameter(_ name: String, _ text: String) throws(ParameterError) -> Bool {
        if text.isEmpty { return false }
        guard let value = parse(text) else {
            throw ParameterError(
                field: name,
                message: "failed to parse \(name) flag, error: strconv.ParseBool: parsing \"\(text)\": invalid syntax"
                    + " (use \"true\" or \"false\")")
        }
        return value
    }
}
