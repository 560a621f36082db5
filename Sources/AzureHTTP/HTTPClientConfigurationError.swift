/// Why the client could not be configured (bad proxy variable, unreadable CA bundle). Fatal at start-up:
/// a bad `--extra-ca-bundle` must not silently fall back to fewer roots than the operator asked for.
public struct HTTPClientConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
}
