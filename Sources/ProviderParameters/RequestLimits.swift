/// Bounds on what one Mount request may ask for, against abusive or broken requests. Real classes are far
/// below them: the largest public examples hold a few dozen objects and a few KiB of attributes.
public enum RequestLimits {
    /// Total UTF-8 bytes of all attribute keys and values (a Kubernetes object is at most about 1.5 MiB).
    public static let attributesBytes = 1 << 20
    /// One JSON field of the request before it is decoded: the attributes' limit, with room for the JSON
    /// escaping that can double a value (`\n`, `\"`). Checked first, so no larger text is ever parsed.
    public static let jsonFieldBytes = 2 * attributesBytes
    /// Entries in the `objects` array.
    public static let objects = 1000
    /// `objectVersionHistory` of one object: each version is one Key Vault read.
    public static let objectVersionHistory = 100
    /// Files one mount may produce (objects times their history), so a mount's Key Vault reads stay bounded.
    public static let files = 2000
}
