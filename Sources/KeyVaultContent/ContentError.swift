/// A conversion failure. The text names what was wrong, never the secret material itself
/// (callers put it into gRPC errors and logs).
public struct ContentError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
