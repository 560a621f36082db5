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
        return run.count >= 100 || (run.count >= 40 && !run.contains("/"))
    }
}
