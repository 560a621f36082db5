/// Makes the Go provider's command lines parse unchanged. Go's flag package accepts `-flag` as well as
/// `--flag`, and a boolean flag either bare (`--flag`) or with a value (`--flag=false`); deployments of
/// the Go provider pass flags in all of those forms.
enum GoFlagCompatibility {
    /// Flags that take a true/false value (Go booleans).
    static let booleanFlags: Set<String> = [
        "construct-pem-chain", "write-cert-and-key-in-separate-files", "log-format-json",
    ]

    /// Rewrites `-name[=value]` to `--name[=value]` for long names, `-v=N` to `--verbosity=N`, and a bare
    /// boolean `--name` to `--name=true`. Everything after `--` is left alone.
    static func normalize(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var passthrough = false
        for argument in arguments {
            if passthrough || argument == "--" {
                passthrough = true
                result.append(argument)
                continue
            }
            var rewritten = argument
            if rewritten.hasPrefix("-v=") {
                rewritten = "--verbosity=" + rewritten.dropFirst(3)
            } else if rewritten.hasPrefix("-"), !rewritten.hasPrefix("--"), rewritten.count > 2,
                rewritten.dropFirst().first?.isLetter == true, !isShortCluster(rewritten)
            {
                rewritten = "-" + rewritten
            }
            if rewritten.hasPrefix("--"), !rewritten.contains("="),
                booleanFlags.contains(String(rewritten.dropFirst(2)))
            {
                rewritten += "=true"
            }
            result.append(rewritten)
        }
        return result
    }

    /// `-vN`-style short options keep their single dash (`-v 3` also stays as is).
    private static func isShortCluster(_ argument: String) -> Bool {
        argument.count <= 3 && argument.dropFirst().allSatisfy { $0 == "v" || $0 == "h" || $0.isNumber }
    }
}
