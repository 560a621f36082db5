import Testing

@testable import Provider

/// `mount -f` finds the class users apply, in files that hold other objects too.
@Suite struct SecretProviderClassManifestTests {
    static func spc(_ name: String, namespace: String? = nil, provider: String = "azure", parameters: String = "")
        -> String
    {
        """
        apiVersion: secrets-store.csi.x-k8s.io/v1
        kind: SecretProviderClass
        metadata:
          name: \(name)
        \(namespace.map { "  namespace: \($0)" } ?? "")
        spec:
          provider: \(provider)
          parameters:
            keyvaultName: kv-demo
            usePodIdentity: "false"
            objects: |
              array:
                - |
                  objectName: db
                  objectType: secret
        \(parameters)
        """
    }

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: app}
        """

    @Test func theOneClassAmongOtherDocuments() throws {
        let text = Self.deployment + "\n---\n" + Self.spc("app-secrets", namespace: "team-a")
        let manifest = try SecretProviderClassManifest.select(fromYAML: text, source: "f.yaml", className: nil)
        #expect(manifest.name == "app-secrets")
        #expect(manifest.namespace == "team-a")
        #expect(manifest.parameters["keyvaultName"] == "kv-demo")
        #expect(manifest.parameters["usePodIdentity"] == "false")
        #expect(manifest.parameters["objects"]?.hasPrefix("array:\n  - |\n    objectName: db\n") == true)
    }

    @Test func severalClassesNeedClass() throws {
        let text = Self.spc("one") + "\n---\n" + Self.spc("two")
        #expect(
            throws: MountInputError(
                "f.yaml: 2 SecretProviderClasses found (\"one\", \"two\"); choose one with --class NAME")
        ) {
            try SecretProviderClassManifest.select(fromYAML: text, source: "f.yaml", className: nil)
        }
        let two = try SecretProviderClassManifest.select(fromYAML: text, source: "f.yaml", className: "two")
        #expect(two.name == "two")
        #expect(throws: MountInputError("f.yaml: no SecretProviderClass named \"three\" (found: \"one\", \"two\")")) {
            try SecretProviderClassManifest.select(fromYAML: text, source: "f.yaml", className: "three")
        }
    }

    @Test func noClassIsAnError() {
        #expect(
            throws: MountInputError(
                "f.yaml: no SecretProviderClass found (a document with kind: SecretProviderClass)")
        ) {
            try SecretProviderClassManifest.select(fromYAML: Self.deployment, source: "f.yaml", className: nil)
        }
    }

    @Test func nonStringParametersAreRefusedAsKubernetesRefusesThem() {
        let text = Self.spc("c", parameters: "    useVMManagedIdentity: true")
        #expect(
            throws: MountInputError(
                "f.yaml: SecretProviderClass c: spec.parameters.useVMManagedIdentity is not a string; Kubernetes"
                    + " rejects non-string parameters: quote the value (`lint` finds these)")
        ) {
            try SecretProviderClassManifest.select(fromYAML: text, source: "f.yaml", className: nil)
        }
    }

    @Test func anotherProvidersClassIsNotMounted() {
        #expect(throws: MountInputError.self) {
            try SecretProviderClassManifest.select(
                fromYAML: Self.spc("c", provider: "vault"), source: "f.yaml", className: nil)
        }
    }

    @Test func brokenYAMLNamesTheFile() {
        #expect {
            try SecretProviderClassManifest.select(fromYAML: "kind: [", source: "f.yaml", className: nil)
        } throws: { error in
            (error as? MountInputError)?.description.hasPrefix("f.yaml: not valid YAML: ") == true
        }
    }
}
