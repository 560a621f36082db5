import Foundation
import AzureCloud
import ProviderParameters
import Yams

/// Checks of one SecretProviderClass, reusing the provider's own parameter validation so `lint` and a real
/// mount never disagree.
struct ClassRules {
    let document: ManifestDocument
    /// The CSI volumes in the given files that use this class.
    let volumes: [CSIVolume]
    private(set) var findings: [LintFinding] = []

    static let apiGroup = "secrets-store.csi.x-k8s.io"
    static let apiVersions = ["\(apiGroup)/v1", "\(apiGroup)/v1alpha1"]

    init(document: ManifestDocument, volumes: [CSIVolume]) {
        self.document = document
        self.volumes = volumes
    }

    /// Whether the class is for this provider or names it wrongly; classes of other providers (vault, aws,
    /// gcp, ...) are left alone.
    static func concernsAzure(_ document: ManifestDocument) -> Bool {
        let provider = (document.root["spec"]?.mapping?["provider"]?.plainString ?? "").lowercased()
        return provider.isEmpty || provider.contains("azure") || provider.contains("keyvault") || provider == "akv"
    }

    mutating func run() {
        let spec = document.root["spec"]?.mapping
        checkAPIVersion()
        checkProvider(spec)
        guard let parameters = parametersMapping(spec) else { return }
        let attributes = checkParameterTypes(parameters)
        checkVault(attributes, parameters)
        checkTenant(attributes, parameters)
        checkCloud(attributes, parameters)
        checkIdentity(attributes, parameters)
        let produced = checkObjects(attributes, parameters)
        if let produced { checkSecretObjects(spec, produced: produced) }
    }

    private mutating func add(
        _ rule: String, _ severity: LintFinding.Severity = .error, at path: String, line: Int?, _ message: String,
        fix: String
    ) {
        findings.append(document.finding(rule, severity, at: path, line: line, message, fix: fix))
    }

    private func line(of key: String, in mapping: Node.Mapping) -> Int? {
        mapping.first { $0.key.plainString == key }?.key.line
    }

    // MARK: - Manifest shape

    private mutating func checkAPIVersion() {
        guard !Self.apiVersions.contains(document.apiVersion) else { return }
        add("api-version", at: "apiVersion", line: line(of: "apiVersion", in: document.root),
            "apiVersion \"\(document.apiVersion)\" is not served for SecretProviderClass",
            fix: "set apiVersion: \(Self.apiGroup)/v1")
    }

    private mutating func checkProvider(_ spec: Node.Mapping?) {
        let provider = spec?["provider"]?.plainString ?? ""
        guard provider != "azure" else { return }
        add("provider", at: "spec.provider", line: spec?["provider"]?.line ?? document.root["spec"]?.line,
            provider.isEmpty
                ? "spec.provider is not set; the driver would look for no provider"
                : "provider \"\(provider)\" is not \"azure\": the driver looks for a socket named after the provider"
                    + " (\(provider).sock) and the mount fails",
            fix: "set spec.provider: azure")
    }

    private mutating func parametersMapping(_ spec: Node.Mapping?) -> Node.Mapping? {
        guard let node = spec?["parameters"], let mapping = node.mapping else {
            add("parameters-type", at: "spec.parameters", line: spec?["parameters"]?.line ?? document.root["spec"]?.line,
                "spec.parameters is missing or is not a mapping of strings",
                fix: "add spec.parameters with at least keyvaultName, tenantID and objects")
            return nil
        }
        return mapping
    }

    /// Kubernetes stores parameters as strings: `usePodIdentity: true` (unquoted) makes `kubectl apply` fail.
    /// Returns the parameters as the provider would receive them (trimming happens in the checks).
    private mutating func checkParameterTypes(_ parameters: Node.Mapping) -> [String: String] {
        var attributes: [String: String] = [:]
        for (keyNode, value) in parameters {
            guard let key = keyNode.plainString else { continue }
            let path = "spec.parameters.\(key)"
            if !value.isKubernetesString {
                if key == ParameterKey.objects, value.scalar == nil {
                    add("parameters-type", at: path, line: keyNode.line,
                        "objects must be a string holding YAML, not YAML itself",
                        fix: "write objects: | and indent the array below it")
                } else {
                    let shown = value.plainString.map { $0.isEmpty ? "an empty value" : "\($0)" } ?? "a list or mapping"
                    add("parameters-type", at: path, line: keyNode.line,
                        "parameter \(key) is \(shown), not a string; Kubernetes rejects non-string parameters",
                        fix: "quote the value, e.g. \(key): \"\(value.plainString ?? "")\"")
                }
            }
            if let text = value.plainString { attributes[key] = value.isKubernetesString || !value.isPlainNull ? text : "" }
            if !ParameterKey.classParameters.contains(key) {
                let suggestion = Suggest.closest(to: key, in: ParameterKey.classParameters)
                add("unknown-parameter", .warning, at: path, line: keyNode.line,
                    "parameter \(key) is not read by the provider" + (suggestion.map { " (did you mean \($0)?)" } ?? ""),
                    fix: suggestion.map { "rename it to \($0)" } ?? "remove it")
            }
        }
        return attributes
    }

    // MARK: - Parameters

    private static func trimmed(_ attributes: [String: String], _ key: String) -> String {
        (attributes[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private mutating func checkVault(_ attributes: [String: String], _ parameters: Node.Mapping) {
        let name = Self.trimmed(attributes, ParameterKey.keyvaultName)
        let keyLine = line(of: ParameterKey.keyvaultName, in: parameters)
        if name.isEmpty {
            add("keyvault-name", at: "spec.parameters.keyvaultName", line: keyLine, "keyvaultName is not provided",
                fix: "set keyvaultName to the name of your key vault (https://<name>.vault.azure.net)")
        } else if let problem = MountParameters.vaultNameProblem(name) {
            add("keyvault-name", at: "spec.parameters.keyvaultName", line: keyLine, problem,
                fix: "use the vault's name only (3 to 24 letters, digits and dashes), not its URL")
        }
    }

    /// The mount's fallback decides; the warnings about the deprecated spelling are lint's own.
    private mutating func checkTenant(_ attributes: [String: String], _ parameters: Node.Mapping) {
        let tenant: String
        do throws(ParameterError) {
            tenant = try MountParameters.tenantID(attributes)
        } catch {
            add("tenant-id", at: "spec.parameters.tenantID", line: nil, error.message,
                fix: "set tenantID to the Microsoft Entra tenant id (a GUID) of the key vault")
            return
        }
        let deprecated = Self.trimmed(attributes, ParameterKey.tenantIDDeprecated)
        let deprecatedLine = line(of: ParameterKey.tenantIDDeprecated, in: parameters)
        if Self.trimmed(attributes, ParameterKey.tenantID).isEmpty {
            add("tenant-id-deprecated", .warning, at: "spec.parameters.tenantId", line: deprecatedLine,
                "tenantId is deprecated", fix: "rename tenantId to tenantID")
        } else if !deprecated.isEmpty && deprecated != tenant {
            add("tenant-id", .warning, at: "spec.parameters.tenantId", line: deprecatedLine,
                "tenantID and tenantId differ; tenantID is used", fix: "remove tenantId")
        }
    }

    private mutating func checkCloud(_ attributes: [String: String], _ parameters: Node.Mapping) {
        do throws(ParameterError) {
            _ = try MountParameters.cloudName(
                Self.trimmed(attributes, ParameterKey.cloudName),
                cloudEnvFileName: Self.trimmed(attributes, ParameterKey.cloudEnvFileName), options: ParameterOptions())
        } catch {
            let names = CloudName.allCases.map(\.rawValue).joined(separator: ", ")
            add("cloud-name", at: "spec.parameters.\(error.field)", line: line(of: error.field, in: parameters),
                error.message,
                fix: error.field == ParameterKey.cloudName
                    ? "use one of \(names), or leave cloudName empty for the provider's default"
                    : "set cloudEnvFileName to the path of the Azure Stack environment JSON on the node")
        }
    }

    /// The flags and the mode come from the mount's own parsing; the warnings after them are lint's advice.
    private mutating func checkIdentity(_ attributes: [String: String], _ parameters: Node.Mapping) {
        var enabled: [String] = []
        for key in [ParameterKey.usePodIdentity, ParameterKey.useVMManagedIdentity, ParameterKey.useAzureTokenProxy] {
            do throws(ParameterError) {
                if try GoBool.parameter(key, Self.trimmed(attributes, key)) { enabled.append(key) }
            } catch {
                add("boolean-parameter", at: "spec.parameters.\(key)", line: line(of: key, in: parameters),
                    error.message, fix: "write \(key): \"true\" or \(key): \"false\"")
            }
        }
        let clientID = Self.trimmed(attributes, ParameterKey.clientID)
        let userAssigned = Self.trimmed(attributes, ParameterKey.userAssignedIdentityID)
        var mode: IdentitySelection.Mode?
        do throws(ParameterError) {
            mode = try IdentitySelection.mode(
                usePodIdentity: enabled.contains(ParameterKey.usePodIdentity),
                useVMManagedIdentity: enabled.contains(ParameterKey.useVMManagedIdentity),
                useAzureTokenProxy: enabled.contains(ParameterKey.useAzureTokenProxy), clientID: clientID)
        } catch {
            let missingClientID = error.field == ParameterKey.clientID
            add(missingClientID ? "identity-client-id" : "identity-modes", at: "spec.parameters.\(error.field)",
                line: missingClientID ? nil : line(of: error.field, in: parameters), error.message,
                fix: missingClientID
                    ? "set clientID to the client id of the managed identity bound to the cluster"
                    : "keep one of them \"true\" and remove the others")
        }
        if enabled.contains(ParameterKey.usePodIdentity) {
            add("pod-identity-deprecated", .warning, at: "spec.parameters.usePodIdentity",
                line: line(of: ParameterKey.usePodIdentity, in: parameters),
                "usePodIdentity uses aad-pod-identity, which is deprecated and archived upstream",
                fix: "move to workload identity: remove usePodIdentity, set clientID to the identity's client id and"
                    + " federate it with the pod's service account")
        }
        if enabled.contains(ParameterKey.useVMManagedIdentity) && !clientID.isEmpty && userAssigned.isEmpty {
            add("identity-client-id", .warning, at: "spec.parameters.clientID",
                line: line(of: ParameterKey.clientID, in: parameters),
                "clientID is ignored with useVMManagedIdentity: the system-assigned identity is used",
                fix: "to use a user-assigned identity, rename clientID to userAssignedIdentityID")
        }
        if !userAssigned.isEmpty && !enabled.contains(ParameterKey.useVMManagedIdentity) {
            add("identity-client-id", .warning, at: "spec.parameters.userAssignedIdentityID",
                line: line(of: ParameterKey.userAssignedIdentityID, in: parameters),
                "userAssignedIdentityID is only read with useVMManagedIdentity: \"true\"",
                fix: "add useVMManagedIdentity: \"true\", or for workload identity use clientID instead")
        }
        // A service principal comes from nodePublishSecretRef. When the volumes that use the class have none,
        // the user most likely meant workload identity and forgot clientID.
        if mode == .servicePrincipal {
            for volume in volumes where !volume.hasNodePublishSecretRef {
                add("identity-missing", at: "spec.parameters.clientID", line: nil,
                    "no identity is configured: without clientID, usePodIdentity, useVMManagedIdentity or"
                        + " useAzureTokenProxy the provider uses a service principal from nodePublishSecretRef, and"
                        + " the volume at \(volume.path) in \(volume.document.resource) (\(volume.document.file)) has none",
                    fix: "for workload identity set clientID to the client id of the identity federated with the pod's"
                        + " service account; else add nodePublishSecretRef with clientid and clientsecret")
            }
        }
    }

    // MARK: - Objects

    /// Reports the objects' problems; returns the file names the class produces (for `secretObjects`), or nil
    /// when the objects could not be read at all.
    private mutating func checkObjects(_ attributes: [String: String], _ parameters: Node.Mapping) -> Set<String>? {
        let objectsLine = line(of: ParameterKey.objects, in: parameters)
        let list: ObjectList
        do throws(ParameterError) {
            list = try ObjectList.parse(attributes[ParameterKey.objects] ?? "")
        } catch {
            add("objects", at: "spec.parameters.objects", line: objectsLine, error.message,
                fix: "write objects as a string: objects: | then array: with one \"- |\" entry per object"
                    + " (objectName and objectType at least)")
            return nil
        }
        for problem in list.problems {
            let path = problem.objectIndex.map { "spec.parameters.objects[\($0)].\(problem.field)" }
                ?? "spec.parameters.objects"
            add(problem.field == "objects" ? "objects" : "object-field", at: path, line: objectsLine,
                problem.description, fix: Self.objectFix(problem))
        }
        for conflict in list.conflicts {
            add("duplicate-file", at: "spec.parameters.objects[\(conflict.objectIndex ?? 0)].\(conflict.field)",
                line: objectsLine, conflict.description,
                fix: "give one of the objects a distinct objectAlias")
        }
        for raw in list.raw {
            for key in raw.unknownKeys {
                let known = ObjectField.allCases.map(\.rawValue)
                let suggestion = Suggest.closest(to: key, in: known)
                add("unknown-object-field", .warning, at: "spec.parameters.objects[\(raw.index)].\(key)",
                    line: objectsLine,
                    "objects[\(raw.index)]: field \(key) is not read by the provider"
                        + (suggestion.map { " (did you mean \($0)?)" } ?? ""),
                    fix: suggestion.map { "rename it to \($0)" } ?? "remove it; known fields: \(known.joined(separator: ", "))")
            }
        }
        // What the driver can find by name: every valid object's files, plus the names of invalid ones (already
        // reported) so their mistakes are not reported twice; `.crt`/`.key` exist with the provider's
        // --write-cert-and-key-in-separate-files.
        var produced = Set(list.objects.flatMap(\.paths))
        for object in list.objects where object.type == .secret && !object.hasHistory {
            produced.insert(object.fileName + ".crt")
            produced.insert(object.fileName + ".key")
        }
        for raw in list.raw {
            let alias = raw[.objectAlias]
            produced.insert(alias.isEmpty ? raw[.objectName] : alias)
        }
        return produced
    }

    private static func objectFix(_ problem: ParameterError) -> String {
        switch problem.field {
        case "objectName": return "set objectName to the name of the secret, key or certificate in Key Vault"
        case "objectType":
            return problem.message.contains("did you mean")
                ? "use the singular form shown (secret, key or cert)" : "set objectType to secret, key or cert"
        case "objectFormat": return "use objectFormat: pem or pfx; pfx only with objectType: secret"
        case "objectEncoding": return "use objectEncoding: utf-8, base64 or hex, and only with objectType: secret"
        case "filePermission": return "write an octal mode in quotes, e.g. filePermission: \"0640\""
        case "objectVersionHistory": return "use a whole number, e.g. objectVersionHistory: 3"
        case "objectVersion": return "use the version id from Key Vault (32 hex characters) or leave it empty"
        case "objectAlias": return "use a relative path without '..' or empty elements, e.g. objectAlias: app/db-password"
        default: return "fix the entry as described"
        }
    }

    /// `secretObjects[].data[].objectName` must be a file the class writes: the driver reads the file by that name.
    private mutating func checkSecretObjects(_ spec: Node.Mapping?, produced: Set<String>) {
        guard let secretObjects = spec?["secretObjects"]?.sequence else { return }
        for (index, entry) in secretObjects.enumerated() {
            let base = "spec.secretObjects[\(index)]"
            guard let mapping = entry.mapping else { continue }
            for field in ["secretName", "type"] where (mapping[field]?.plainString ?? "").isEmpty {
                add("secret-objects", at: "\(base).\(field)", line: entry.line,
                    "secretObjects[\(index)] has no \(field); the driver cannot create the Kubernetes Secret",
                    fix: field == "type" ? "set type, e.g. Opaque or kubernetes.io/tls" : "set secretName")
            }
            for (dataIndex, data) in (mapping["data"]?.sequence ?? []).enumerated() {
                let objectName = data.mapping?["objectName"]?.plainString ?? ""
                guard !produced.contains(objectName) else { continue }
                add("secret-objects", at: "\(base).data[\(dataIndex)].objectName",
                    line: data.mapping?["objectName"]?.line ?? data.line,
                    "secretObjects refers to objectName \"\(objectName)\", which this class never writes",
                    fix: "use the objectAlias (or objectName when there is no alias) of an entry in objects: "
                        + produced.sorted().prefix(10).joined(separator: ", "))
            }
        }
    }
}
