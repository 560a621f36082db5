import AzureCloud
import Foundation
import ProviderParameters
import Yams

/// Checks of one SecretProviderClass, reusing the provider's own parameter validation so `lint` and a real
/// mount never disagree.
struct ClassRules {
    let document: ManifestDocument
    /// The CSI volumes in the given files that use this class.
    let volumes: [CSIVolume]
    var findings: [LintFinding] = []

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
        if let files = checkObjects(attributes, parameters) { checkSecretObjects(spec, files: files) }
    }

    mutating func add(
        _ rule: String, _ severity: LintFinding.Severity = .error, at path: String, line: Int?, _ message: String,
        fix: String
    ) {
        findings.append(document.finding(rule, severity, at: path, line: line, message, fix: fix))
    }

    func line(of key: String, in mapping: Node.Mapping) -> Int? {
        mapping.first { $0.key.plainString == key }?.key.line
    }

    // MARK: - Manifest shape

    mutating func checkAPIVersion() {
        guard !Self.apiVersions.contains(document.apiVersion) else { return }
        add(
            "api-version", at: "apiVersion", line: line(of: "apiVersion", in: document.root),
            "apiVersion \"\(document.apiVersion)\" is not served for SecretProviderClass",
            fix: "set apiVersion: \(Self.apiGroup)/v1")
    }

    mutating func checkProvider(_ spec: Node.Mapping?) {
        let provider = spec?["provider"]?.plainString ?? ""
        guard provider != "azure" else { return }
        add(
            "provider", at: "spec.provider", line: spec?["provider"]?.line ?? document.root["spec"]?.line,
            provider.isEmpty
                ? "spec.provider is not set; the driver would look for no provider"
                : "provider \"\(provider)\" is not \"azure\": the driver looks for a socket named after the provider"
                    + " (\(provider).sock) and the mount fails",
            fix: "set spec.provider: azure")
    }

    mutating func parametersMapping(_ spec: Node.Mapping?) -> Node.Mapping? {
        guard let node = spec?["parameters"], let mapping = node.mapping else {
            add(
                "parameters-type", at: "spec.parameters",
                line: spec?["parameters"]?.line ?? document.root["spec"]?.line,
                "spec.parameters is missing or is not a mapping of strings",
                fix: "add spec.parameters with at least keyvaultName, tenantID and objects")
            return nil
        }
        return mapping
    }

    /// Kubernetes stores parameters as strings: `usePodIdentity: true` (unquoted) makes `kubectl apply` fail.
    /// Returns the parameters as the provider would receive them (trimming happens in the checks).
    mutating func checkParameterTypes(_ parameters: Node.Mapping) -> [String: String] {
        var attributes: [String: String] = [:]
        for (keyNode, value) in parameters {
            guard let key = keyNode.plainString else { continue }
            let path = "spec.parameters.\(key)"
            if !value.isKubernetesString {
                if key == ParameterKey.objects, value.scalar == nil {
                    add(
                        "parameters-type", at: path, line: keyNode.line,
                        "objects must be a string holding YAML, not YAML itself",
                        fix: "write objects: | and indent the array below it")
                } else {
                    let shown = value.plainString.map { $0.isEmpty ? "an empty value" : "\($0)" } ?? "a list or mapping"
                    add(
                        "parameters-type", at: path, line: keyNode.line,
                        "parameter \(key) is \(shown), not a string; Kubernetes rejects non-string parameters",
                        fix: "quote the value, e.g. \(key): \"\(value.plainString ?? "")\"")
                }
            }
            if let text = value.plainString {
                attributes[key] = value.isKubernetesString || !value.isPlainNull ? text : ""
            }
            if !ParameterKey.classParameters.contains(key) {
                let suggestion = Suggest.closest(to: key, in: ParameterKey.classParameters)
                add(
                    "unknown-parameter", .warning, at: path, line: keyNode.line,
                    "parameter \(key) is not read by the provider"
                        + (suggestion.map { " (did you mean \($0)?)" } ?? ""),
                    fix: suggestion.map { "rename it to \($0)" } ?? "remove it")
            }
        }
        return attributes
    }
}
