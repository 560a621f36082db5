/// One problem `lint` found, with where it is and how to fix it.
public struct LintFinding: Sendable, Codable, Equatable {
    public enum Severity: String, Sendable, Codable {
        case error
        case warning
    }

    /// The file as given on the command line (`-` for stdin).
    public var file: String
    /// 1-based position of the YAML document in the file.
    public var document: Int
    /// 1-based line of the offending node, when known.
    public var line: Int?
    /// `Kind/name` of the manifest, e.g. `SecretProviderClass/app-secrets`.
    public var resource: String
    /// Dotted path inside the manifest, e.g. `spec.parameters.objects[1].objectType`.
    public var path: String
    /// Stable rule id (see docs/lint.md); also what the ignore annotation takes.
    public var rule: String
    public var severity: Severity
    public var message: String
    public var fix: String

    public init(
        file: String, document: Int, line: Int?, resource: String, path: String, rule: String, severity: Severity,
        message: String, fix: String
    ) {
        self.file = file
        self.document = document
        self.line = line
        self.resource = resource
        self.path = path
        self.rule = rule
        self.severity = severity
        self.message = message
        self.fix = fix
    }
}
