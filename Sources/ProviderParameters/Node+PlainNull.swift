import Yams

extension Node {
    /// An unquoted null scalar (empty, `~`, `null`): YAML's "no value", which Go decodes as the zero value.
    /// Public for `lint`, which reads parameters the way the provider does.
    public var isPlainNull: Bool {
        guard let scalar else { return false }
        return scalar.style == .plain && null != nil
    }
}
