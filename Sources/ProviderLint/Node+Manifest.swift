import Yams

extension Node {
    /// The text of a scalar, whatever its YAML type; `nil` for lists and mappings.
    var plainString: String? { scalar?.string }

    /// Whether Kubernetes would read this value as a string: a quoted or block scalar, or a plain one that YAML
    /// does not resolve to a boolean, number, null or timestamp.
    var isKubernetesString: Bool {
        guard let scalar else { return false }
        return scalar.style != .plain || tag.description == Tag.Name.str.rawValue
    }

    var line: Int? { mark?.line }
}
