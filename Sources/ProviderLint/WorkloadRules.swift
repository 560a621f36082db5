import Yams

/// Checks of Pods and workloads that mount the driver: driver name, `readOnly`, and the class they name.
enum WorkloadRules {
    static let driverName = "secrets-store.csi.k8s.io"

    /// Where each kind keeps its pod spec.
    private static let podSpecPaths: [String: [String]] = [
        "Pod": ["spec"],
        "Deployment": ["spec", "template", "spec"],
        "StatefulSet": ["spec", "template", "spec"],
        "DaemonSet": ["spec", "template", "spec"],
        "ReplicaSet": ["spec", "template", "spec"],
        "ReplicationController": ["spec", "template", "spec"],
        "Job": ["spec", "template", "spec"],
        "CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
    ]

    /// Finds the driver's volumes and reports the problems that need no class: a misspelled driver, a missing
    /// `readOnly: true`, a missing class name.
    static func volumes(in document: ManifestDocument) -> (volumes: [CSIVolume], findings: [LintFinding]) {
        guard let specPath = podSpecPaths[document.kind] else { return ([], []) }
        var node: Node? = .mapping(document.root)
        for key in specPath { node = node?.mapping?[key] }
        guard let volumeList = node?.mapping?["volumes"]?.sequence else { return ([], []) }
        let base = specPath.joined(separator: ".") + ".volumes"
        var volumes: [CSIVolume] = []
        var findings: [LintFinding] = []
        for (index, volume) in volumeList.enumerated() {
            guard let csi = volume.mapping?["csi"]?.mapping else { continue }
            let path = "\(base)[\(index)].csi"
            let driver = csi["driver"]?.plainString ?? ""
            if driver != driverName {
                guard driver.lowercased().contains("secrets-store") else { continue }
                findings.append(
                    document.finding(
                        "csi-driver-name", .error, at: path + ".driver", line: csi["driver"]?.line,
                        "CSI driver \"\(driver)\" does not exist; the Secrets Store CSI Driver is \"\(driverName)\""
                            + " (secrets-store.csi.x-k8s.io is the API group of SecretProviderClass, not the driver)",
                        fix: "set driver: \(driverName)"))
            }
            let readOnly = csi["readOnly"]
            if !(readOnly.map { !$0.isKubernetesString && $0.bool == true } ?? false) {
                let written =
                    readOnly?.plainString.map {
                        " (found \(readOnly?.isKubernetesString == true ? "the string \"\($0)\"" : $0))"
                    } ?? ""
                findings.append(
                    document.finding(
                        "csi-read-only", .error, at: path + ".readOnly", line: readOnly?.line ?? volume.line,
                        "the Secrets Store CSI Driver only mounts read-only volumes: readOnly must be true\(written)",
                        fix: "add readOnly: true under csi"))
            }
            let className = csi["volumeAttributes"]?.mapping?["secretProviderClass"]?.plainString
            if className?.isEmpty ?? true {
                findings.append(
                    document.finding(
                        "class-reference", .error, at: path + ".volumeAttributes.secretProviderClass",
                        line: volume.line,
                        "the volume does not name a SecretProviderClass",
                        fix: "add volumeAttributes: {secretProviderClass: <name of the class>}"))
            }
            volumes.append(
                CSIVolume(
                    document: document, path: path, line: volume.line, className: className,
                    hasNodePublishSecretRef: csi["nodePublishSecretRef"]?.mapping?["name"]?.plainString?.isEmpty
                        == false))
        }
        return (volumes, findings)
    }

    /// Whether `volume` may use `classDocument`: same name, and same namespace unless one of them leaves it unset
    /// (then `kubectl apply -n` decides, which lint cannot see).
    static func references(_ volume: CSIVolume, _ classDocument: ManifestDocument) -> Bool {
        guard volume.className == classDocument.name else { return false }
        guard let volumeNamespace = volume.document.namespace, let classNamespace = classDocument.namespace else {
            return true
        }
        return volumeNamespace == classNamespace
    }

    /// A class the volume names that none of the given files defines.
    static func missingClass(_ volume: CSIVolume, classes: [ManifestDocument]) -> LintFinding? {
        guard let name = volume.className, !name.isEmpty, !classes.contains(where: { references(volume, $0) }) else {
            return nil
        }
        let known = classes.map(\.name).filter { !$0.isEmpty }
        return volume.document.finding(
            "class-reference", .warning, at: volume.path + ".volumeAttributes.secretProviderClass", line: volume.line,
            "SecretProviderClass \"\(name)\" is not defined in the files given"
                + (volume.document.namespace.map { " for namespace \"\($0)\"" } ?? ""),
            fix: known.isEmpty
                ? "lint the file that defines the class together with this one, or check the name"
                : "check the name (classes found: \(known.joined(separator: ", "))) or lint the file that defines it too"
        )
    }
}
