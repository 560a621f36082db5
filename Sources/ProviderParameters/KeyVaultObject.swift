import KeyVaultIdentifiers

/// One validated entry of the `objects` array: what to read from Key Vault and where to write it.
public struct KeyVaultObject: Sendable, Equatable {
    /// 0-based position in the `objects` array.
    public var index: Int
    public var name: String
    public var alias: String?
    public var type: ObjectType
    /// `""` = the latest version.
    public var version: String
    /// `<= 1` = a single file; `n > 1` = a folder `<fileName>/` holding `0` (newest or `version`) to `n-1`.
    public var versionHistory: Int
    public var format: ObjectFormat
    public var encoding: ObjectEncoding
    /// `nil` = the request's default permission.
    public var filePermission: Int32?
    /// The vault the object is read from when not the class's (`keyvaultName` of the object).
    public var vault: String?
    /// A missing object (404, or no enabled version) is skipped instead of failing the mount.
    public var isOptional: Bool
    /// Values picked out of the secret's JSON, each written to its own file beside the whole secret.
    public var jmesPath: [JMESPathEntry]

    public init(
        index: Int, name: String, alias: String? = nil, type: ObjectType, version: String = "",
        versionHistory: Int = 0, format: ObjectFormat = .pem, encoding: ObjectEncoding = .utf8,
        filePermission: Int32? = nil, vault: String? = nil, isOptional: Bool = false, jmesPath: [JMESPathEntry] = []
    ) {
        self.index = index
        self.name = name
        self.alias = alias
        self.type = type
        self.version = version
        self.versionHistory = versionHistory
        self.format = format
        self.encoding = encoding
        self.filePermission = filePermission
        self.vault = vault
        self.isOptional = isOptional
        self.jmesPath = jmesPath
    }

    /// The file (or, with history, folder) name: `objectAlias` if set, else `objectName`.
    public var fileName: String { alias ?? name }

    /// Whether this object becomes a folder of versions rather than one file.
    public var hasHistory: Bool { versionHistory > 1 }

    /// The id the driver records in the SecretProviderClassPodStatus: `secret/x`, or `secret/x/2` for history
    /// index 2 (the Go provider's format, which users' tooling reads). An object of another vault than the
    /// class's carries it after `@` (`secret/x@other-kv`, `secret/x/2@other-kv`): `@` is in no vault or object
    /// name, so ids stay unique.
    public func id(historyIndex: Int?) -> String {
        var id = "\(type.rawValue)/\(name)"
        if let historyIndex { id += "/\(historyIndex)" }
        if let vault { id += "@\(vault)" }
        return id
    }

    /// The file path inside the volume: `x`, or `x/2` for history index 2.
    public func path(historyIndex: Int?) -> String {
        guard let historyIndex else { return fileName }
        return "\(fileName)/\(historyIndex)"
    }

    /// Every path this object writes (history: `x/0` ... `x/n-1`), its `jmesPath` files included.
    public var paths: [String] {
        (hasHistory ? (0..<versionHistory).map { path(historyIndex: $0) } : [fileName]) + jmesPath.map(\.alias)
    }

    /// The paths the split files would take if the secret is certificate-backed: only Key Vault's answer tells.
    public var possibleSplitFilePaths: [String] {
        type == .secret && !hasHistory ? SplitFile.allCases.map { fileName + $0.suffix } : []
    }
}
