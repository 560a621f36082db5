/// What was wrong with a response body, described by position and kind only: the body may hold a secret,
/// so no value from it is ever quoted.
struct ResponseDecodingError: Error, Sendable {
    var detail: String
}
