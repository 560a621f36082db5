import KeyVaultIdentifiers

extension KeyVaultObject {
    static let acceptedTypes = ObjectType.allCases.map(\.rawValue).joined(separator: ", ")

    /// Validates every field of one raw entry and returns either the object or all of its problems (the mount
    /// reports the first; `lint` reports them all).
    static func validate(_ raw: RawObject) -> (object: KeyVaultObject?, problems: [ParameterError]) {
        let name = raw[.objectName]
        var problems: [ParameterError] = []
        func problem(_ field: ObjectField, _ message: String) {
            problems.append(
                ParameterError(
                    field: field.rawValue, objectIndex: raw.index, objectName: name.isEmpty ? nil : name,
                    message: message))
        }

        if name.isEmpty {
            problem(.objectName, "objectName is not set")
        } else if !isKeyVaultName(name) {
            problem(
                .objectName,
                "objectName \"\(name)\" is not valid: Key Vault object names are 1 to 127 characters"
                    + " of 0-9, a-z, A-Z and -")
        }

        let typeText = raw[.objectType]
        let type = ObjectType(rawValue: typeText)
        if typeText.isEmpty {
            problem(.objectType, "objectType is not set, accepted values are \(acceptedTypes)")
        } else if type == nil {
            problem(
                .objectType,
                "objectType \"\(typeText)\" is not valid, accepted values are \(acceptedTypes)"
                    + (suggestedType(for: typeText).map { " (did you mean \"\($0.rawValue)\"?)" } ?? ""))
        }

        let version = raw[.objectVersion]
        if version.count > 64 || !version.unicodeScalars.allSatisfy(isASCIIAlphanumeric) {
            problem(
                .objectVersion,
                "objectVersion \"\(version)\" is not valid: Key Vault versions are letters and"
                    + " digits (32 hexadecimal characters), or empty for the latest")
        }

        var history = 0
        let historyText = raw[.objectVersionHistory]
        if !historyText.isEmpty {
            if let value = Int(historyText), value >= 0, value <= RequestLimits.objectVersionHistory {
                history = value
            } else {
                problem(
                    .objectVersionHistory,
                    "objectVersionHistory \"\(historyText)\" is not valid: must be a whole"
                        + " number from 0 to \(RequestLimits.objectVersionHistory) (0 or 1 = a single file)")
            }
        }

        // Go compares case-insensitively (`PEM`, `Base64` work), so these do too.
        var format = ObjectFormat.pem
        let formatText = raw[.objectFormat]
        if !formatText.isEmpty {
            if let parsed = ObjectFormat(rawValue: formatText.lowercased()) {
                format = parsed
                if parsed == .pfx, let type, type != .secret {
                    problem(
                        .objectFormat,
                        "PFX format only supported for objectType: secret"
                            + " (a \(type.rawValue) is always written as PEM)")
                }
            } else {
                problem(.objectFormat, "invalid objectFormat: \(formatText), should be PEM or PFX")
            }
        }

        var encoding = ObjectEncoding.utf8
        let encodingText = raw[.objectEncoding]
        if !encodingText.isEmpty {
            if let type, type != .secret {
                problem(.objectEncoding, "objectEncoding only supported for objectType: secret")
            } else if let parsed = ObjectEncoding(rawValue: encodingText.lowercased()) {
                encoding = parsed
            } else {
                problem(.objectEncoding, "invalid objectEncoding: \(encodingText), should be hex, base64 or utf-8")
            }
        }

        var permission: Int32?
        let permissionText = raw[.filePermission]
        if !permissionText.isEmpty {
            if let parsed = parseOctalPermission(permissionText) {
                permission = parsed
            } else {
                problem(
                    .filePermission,
                    "file permission must be a valid octal number from 0000 to 0777,"
                        + " got \"\(permissionText)\" (quote it: filePermission: \"0640\")")
            }
        }

        let aliasText = raw[.objectAlias]
        let alias = aliasText.isEmpty ? nil : aliasText
        let fileName = alias ?? name
        let fileField: ObjectField = alias == nil ? .objectName : .objectAlias
        // A name that is not a valid Key Vault name is already reported; its path problems would only repeat it.
        if alias != nil || isKeyVaultName(name) {
            let longest = history > 1 ? "\(fileName)/\(history - 1)" : fileName
            if let message = FilePathRules.problem(with: longest, field: fileField.rawValue) {
                problem(fileField, message)
            }
        }

        let vaultText = raw[.keyvaultName]
        if let vaultProblem = vaultText.isEmpty ? nil : MountParameters.vaultNameProblem(vaultText) {
            problem(.keyvaultName, vaultProblem)
        }
        var isOptional = false
        do throws(ParameterError) {
            isOptional = try GoBool.parameter(ObjectField.optional.rawValue, raw[.optional])
        } catch {
            problem(.optional, error.message)
        }
        let jmesPath = jmesPathEntries(raw, type: type, history: history, encoding: encoding, problem: problem)

        guard problems.isEmpty, let type else { return (nil, problems) }
        return (
            KeyVaultObject(
                index: raw.index, name: name, alias: alias, type: type, version: version, versionHistory: history,
                format: format, encoding: encoding, filePermission: permission,
                vault: vaultText.isEmpty ? nil : vaultText, isOptional: isOptional, jmesPath: jmesPath), []
        )
    }

    /// The `jmesPath` entries: only for a secret written as one file in UTF-8; each a path in the supported
    /// subset, a file name under the path rules and an optional octal permission.
    private static func jmesPathEntries(
        _ raw: RawObject, type: ObjectType?, history: Int, encoding: ObjectEncoding,
        problem: (ObjectField, String) -> Void
    ) -> [JMESPathEntry] {
        guard !raw.jmesPath.isEmpty else { return [] }
        if let type, type != .secret {
            problem(.jmesPath, "jmesPath only supported for objectType: secret (a JSON secret)")
        }
        if history > 1 { problem(.jmesPath, "jmesPath cannot be combined with objectVersionHistory") }
        if encoding != .utf8 { problem(.jmesPath, "jmesPath reads the secret's text: objectEncoding must be utf-8") }
        var entries: [JMESPathEntry] = []
        for (position, fields) in raw.jmesPath.enumerated() {
            let pathText = fields["path"] ?? ""
            let alias = fields["objectAlias"] ?? ""
            let entryName = "jmesPath[\(position)]"
            var path: JMESPath?
            do throws(JMESPathError) {
                path = try JMESPath(parsing: pathText)
            } catch {
                problem(.jmesPath, "\(entryName) path \"\(pathText)\" is not supported: \(error)")
            }
            if alias.isEmpty {
                problem(.jmesPath, "\(entryName) has no objectAlias: the file the value is written to")
            } else if let message = FilePathRules.problem(with: alias, field: "\(entryName).objectAlias") {
                problem(.jmesPath, "\(entryName).objectAlias: \(message)")
            }
            var permission: Int32?
            if let text = fields["filePermission"], !text.isEmpty {
                permission = parseOctalPermission(text)
                if permission == nil {
                    problem(
                        .jmesPath,
                        "\(entryName).filePermission must be a valid octal number from 0000 to 0777, got \"\(text)\"")
                }
            }
            if let path, !alias.isEmpty {
                entries.append(JMESPathEntry(path: path, alias: alias, filePermission: permission))
            }
        }
        return entries
    }

    /// `secrets` -> `secret`, `certificate` -> `cert`, `Secret` -> `secret`: the usual slips.
    static func suggestedType(for text: String) -> ObjectType? {
        let lowered = text.lowercased()
        if let exact = ObjectType(rawValue: lowered) { return exact }
        if lowered.hasSuffix("s"), let singular = ObjectType(rawValue: String(lowered.dropLast())) { return singular }
        if lowered.hasPrefix("cert") { return .cert }
        return nil
    }

    /// Octal digits only, at most 0777. Go's `strconv.ParseInt(s, 8, 32)` also takes a sign and modes above
    /// 0777 (setuid and friends) and, in the provider, turns a bad value into mode 0; neither makes sense for a
    /// secret file.
    static func parseOctalPermission(_ text: String) -> Int32? {
        guard !text.isEmpty, text.utf8.count <= 8, text.unicodeScalars.allSatisfy({ ("0"..."7").contains($0) }),
            let value = Int32(text, radix: 8), value <= 0o777
        else { return nil }
        return value
    }

    static func isKeyVaultName(_ name: String) -> Bool {
        (1...127).contains(name.utf8.count)
            && name.unicodeScalars.allSatisfy { isASCIIAlphanumeric($0) || $0 == "-" }
    }

    static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
