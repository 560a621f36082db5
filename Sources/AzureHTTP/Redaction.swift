/// Scrubs text that came from a remote server before it goes into an error or a log line. Error bodies
/// are written by the server and, from a misbehaving or hostile endpoint, could echo a token: every run of
/// token characters that looks like a JWT or a long credential is replaced, and the text is cut short.
public enum Redaction {
    public static let maximumLength = 512

    public static func scrub(_ text: String, limit: Int = maximumLength) -> String {
        var output = ""
        var run = ""
        func flush() {
            output += looksLikeToken(run) ? "[redacted]" : run
            run = ""
        }
        for character in text {
            if isTokenCharacter(character) {
                run.append(character)
            } else {
                flush()
                output.append(character)
            }
        }
        flush()
        return output.count > limit ? String(output.prefix(limit)) + "..." : output
    }

    /// Characters of base64, base64url and JWTs.
    static func isTokenCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "-_+/=.~".contains(character))
    }

    /// A JWT (`eyJ` and two dots), a run of 40+ token characters without `/` (Entra client secrets are
    /// 40), or a 100+ character run (base64 blobs). Paths like `name/version` stay readable.
    static func looksLikeToken(_ run: String) -> Bool {
        if run.hasPrefix("eyJ") && run.filter({ $0 == "." }).count >= 2 { return true }
        if isLabelledGUID(run) { return false }
        return run.count >= 100 || (run.count >= 40 && !run.contains("/"))
    }

    /// `appid=<guid>` or `oid=<guid>` as Key Vault's 403 names the caller: ids users need to grant access,
    /// not credentials.
    static func isLabelledGUID(_ run: String) -> Bool {
        let parts = run.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, parts[0].count <= 16, parts[0].allSatisfy(\.isLetter) else { return false }
        let guid = parts[1]
        let groups = guid.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
        return groups == [8, 4, 4, 4, 12] && guid.allSatisfy { $0 == "-" || $0.isHexDigit }
    }
}
