/// `lint`: offline checks of SecretProviderClass manifests and the Pods and workloads that mount them.
public enum Linter {
    /// Lints one file on its own (classes and workloads can only see each other within it).
    public static func lint(yamlText: String, fileName: String) throws(LintInputError) -> [LintFinding] {
        try lint(files: [(name: fileName, text: yamlText)])
    }

    /// Lints files together, so a Pod in one file finds its class in another. Findings come in file, document
    /// and line order. Throws for the first file that is not YAML.
    public static func lint(files: [(name: String, text: String)]) throws(LintInputError) -> [LintFinding] {
        var documents: [ManifestDocument] = []
        for file in files { documents += try ManifestReader.read(file: file.name, text: file.text) }

        var findings: [LintFinding] = []
        var volumes: [CSIVolume] = []
        for document in documents {
            let found = WorkloadRules.volumes(in: document)
            volumes += found.volumes
            findings += found.findings
        }
        let classes = documents.filter { $0.kind == "SecretProviderClass" }
        for volume in volumes {
            if let missing = WorkloadRules.missingClass(volume, classes: classes) { findings.append(missing) }
        }
        for document in classes where ClassRules.concernsAzure(document) {
            var rules = ClassRules(
                document: document, volumes: volumes.filter { WorkloadRules.references($0, document) })
            rules.run()
            findings += rules.findings
        }

        let ignored = Dictionary(
            documents.map { ("\($0.file)#\($0.index)", $0.ignoredRules) }, uniquingKeysWith: { first, _ in first })
        let fileOrder = Dictionary(files.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        return
            findings
            .filter { ignored["\($0.file)#\($0.document)"]?.contains($0.rule) != true }
            .enumerated()
            .sorted { lhs, rhs in
                let l = lhs.element
                let r = rhs.element
                let lKey = [fileOrder[l.file] ?? 0, l.document, l.line ?? 0, lhs.offset]
                let rKey = [fileOrder[r.file] ?? 0, r.document, r.line ?? 0, rhs.offset]
                return lKey.lexicographicallyPrecedes(rKey)
            }
            .map(\.element)
    }
}
