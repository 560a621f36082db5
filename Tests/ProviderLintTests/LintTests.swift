import Foundation
import ProviderParameters
import TestSupport
import Testing

@testable import ProviderLint

@Suite struct LintTests {
    func lint(_ files: (name: String, text: String)...) throws -> [LintFinding] {
        try Linter.lint(files: files)
    }

    func rules(_ findings: [LintFinding]) -> [String] { findings.map(\.rule) }

    @Test func examplesAreClean() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: TestFiles.examples.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(
            names == [
                "all-object-fields.yaml", "identity-binding.yaml", "json-values.yaml", "optional-objects.yaml",
                "pod-identity.yaml", "service-principal.yaml", "several-vaults.yaml",
                "vm-managed-identity-system-assigned.yaml", "vm-managed-identity-user-assigned.yaml",
                "workload-identity.yaml",
            ])
        let files = try names.map {
            (name: $0, text: try TestFiles.text(TestFiles.examples.appendingPathComponent($0)))
        }
        let findings = try Linter.lint(files: files)
        #expect(findings.isEmpty, "\(Linter.render(findings, json: false))")
        for file in files {
            #expect(try Linter.lint(yamlText: file.text, fileName: file.name).isEmpty, "\(file.name)")
        }
    }

    @Test func theThreeClassicMistakes() throws {
        let findings = try lint(try TestFiles.fixture("three-mistakes.yaml"))
        #expect(rules(findings) == ["provider", "pod-identity-deprecated", "object-field"])
        #expect(
            findings[0].path == "spec.provider" && findings[0].line == 7
                && findings[0].fix == "set spec.provider: azure")
        #expect(findings[0].message.contains("\"azurekeyvault\""))
        #expect(findings[1].path == "spec.parameters.usePodIdentity" && findings[1].severity == .warning)
        #expect(findings[2].path == "spec.parameters.objects[0].objectType")
        #expect(findings[2].message.contains(#"did you mean "secret""#))
        #expect(
            findings.allSatisfy {
                $0.file == "three-mistakes.yaml" && $0.document == 1
                    && $0.resource == "SecretProviderClass/legacy-class"
            })
    }

    @Test func brokenClass() throws {
        let findings = try lint(try TestFiles.fixture("broken-class.yaml"))
        let byPath = Dictionary(findings.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byPath["spec.parameters.useVMManagedIdentity"]?.rule == "parameters-type")
        #expect(byPath["spec.parameters.keyVaultName"]?.rule == "unknown-parameter")
        #expect(byPath["spec.parameters.keyVaultName"]?.message.contains("did you mean keyvaultName") == true)
        #expect(byPath["spec.parameters.keyvaultName"]?.message.contains("Invalid vault name: \"kv\"") == true)
        #expect(byPath["spec.parameters.tenantID"]?.message == "tenantId is not provided")
        #expect(byPath["spec.parameters.cloudName"]?.rule == "cloud-name")
        #expect(
            byPath["spec.parameters.objects[0].objectFormat"]?.message.contains("PFX format only supported") == true)
        #expect(byPath["spec.parameters.objects[1].filePermission"]?.rule == "object-field")
        #expect(byPath["spec.parameters.objects[2].objectEncoding"]?.rule == "object-field")
        #expect(byPath["spec.parameters.objects[3].objectAlais"]?.message.contains("did you mean objectAlias") == true)
        #expect(byPath["spec.secretObjects[0].data[0].objectName"]?.rule == "secret-objects")
        // objects[1] and objects[2] are invalid, so their shared file name is not also reported.
        #expect(!rules(findings).contains("duplicate-file"))
    }

    @Test func duplicateFileNames() throws {
        let text = """
            apiVersion: secrets-store.csi.x-k8s.io/v1alpha1
            kind: SecretProviderClass
            metadata: {name: dup}
            spec:
              provider: azure
              parameters:
                clientID: "c"
                keyvaultName: kv1
                tenantID: t
                objects: |
                  array:
                    - |
                      objectName: a
                      objectType: secret
                    - |
                      objectName: b
                      objectAlias: a
                      objectType: secret
            """
        let findings = try lint(("dup.yaml", text))
        #expect(rules(findings) == ["duplicate-file"])
        #expect(findings[0].path == "spec.parameters.objects[1].objectAlias")
    }

    /// Lint reports exactly what a mount of the class would fail with: both call the same rules.
    @Test(arguments: [
        (
            ["usePodIdentity": "true", "useAzureTokenProxy": "true"], "identity-modes",
            "spec.parameters.useAzureTokenProxy"
        ),
        (["useAzureTokenProxy": "true", "clientID": ""], "identity-client-id", "spec.parameters.clientID"),
        (["useVMManagedIdentity": "yes"], "boolean-parameter", "spec.parameters.useVMManagedIdentity"),
        (["tenantID": " ", "tenantId": ""], "tenant-id", "spec.parameters.tenantID"),
    ])
    func findingsCarryTheMountsError(overrides: [String: String], rule: String, path: String) throws {
        let attributes = baseAttributes(overrides)
        let mountError = try #require(
            #expect(throws: ParameterError.self) {
                try MountParameters.parse(attributes: attributes, secrets: [:], settings: ParameterSettings())
            })
        let parameters = attributes.filter { ParameterKey.classParameters.contains($0.key) }.sorted { $0.key < $1.key }
            .map { "    \($0.key): \"\($0.value.replacingOccurrences(of: "\n", with: "\\n"))\"" }
        let text =
            "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata: {name: c}\n"
            + "spec:\n  provider: azure\n  parameters:\n" + parameters.joined(separator: "\n") + "\n"
        let errors = try lint(("c.yaml", text)).filter { $0.severity == .error }
        #expect(errors.map(\.rule) == [rule] && errors.first?.path == path)
        #expect(errors.first?.message == mountError.message)
    }

    /// Identity binding with its clientID is a valid class: nothing to report.
    @Test func identityBindingWithClientIDIsClean() throws {
        let text = """
            apiVersion: secrets-store.csi.x-k8s.io/v1
            kind: SecretProviderClass
            metadata: {name: c}
            spec:
              provider: azure
              parameters:
                useAzureTokenProxy: "true"
                clientID: "client-1"
                keyvaultName: my-kv
                tenantID: tenant-1
                objects: |
                  array:
                    - |
                      objectName: s1
                      objectType: secret
            """
        #expect(try lint(("ib.yaml", text)).isEmpty)
    }

    @Test func workloads() throws {
        let findings = try lint(try TestFiles.fixture("broken-workloads.yaml"))
        #expect(Set(rules(findings)) == ["csi-read-only", "csi-driver-name", "class-reference", "identity-missing"])
        let missing = try #require(findings.first { $0.rule == "class-reference" })
        #expect(missing.message.contains("\"no-such-class\"") && missing.resource == "Deployment/app")
        #expect(missing.path == "spec.template.spec.volumes[1].csi.volumeAttributes.secretProviderClass")
        let readOnly = try #require(findings.first { $0.rule == "csi-read-only" })
        #expect(readOnly.path == "spec.template.spec.volumes[0].csi.readOnly")
        let identity = try #require(findings.first { $0.rule == "identity-missing" })
        #expect(identity.fix.contains("clientID"))
    }

    @Test func classesAreFoundAcrossFiles() throws {
        let pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers: [{name: c, image: busybox}]
              volumes:
                - name: v
                  csi:
                    driver: secrets-store.csi.k8s.io
                    readOnly: true
                    volumeAttributes: {secretProviderClass: azure-kv-workload-identity}
            """
        let example = try TestFiles.text(TestFiles.examples.appendingPathComponent("workload-identity.yaml"))
        #expect(try lint(("pod.yaml", pod), ("workload-identity.yaml", example)).isEmpty)
        #expect(rules(try lint(("pod.yaml", pod))) == ["class-reference"])
    }

    @Test func otherProvidersAreIgnored() throws {
        let text = """
            apiVersion: secrets-store.csi.x-k8s.io/v1
            kind: SecretProviderClass
            metadata: {name: vault}
            spec:
              provider: vault
              parameters: {roleName: app}
            """
        #expect(try lint(("vault.yaml", text)).isEmpty)
    }

    @Test func ignoreAnnotation() throws {
        let text = try TestFiles.fixture("three-mistakes.yaml").text.replacingOccurrences(
            of: "  name: legacy-class\n",
            with:
                "  name: legacy-class\n  annotations:\n    secrets-store-provider-azure/lint-ignore: \"pod-identity-deprecated, provider\"\n"
        )
        #expect(rules(try lint(("x.yaml", text))) == ["object-field"])
    }

    @Test func unreadableInput() throws {
        let fixture = try TestFiles.fixture("not-yaml.yaml")
        #expect(throws: LintInputError.self) { try Linter.lint(files: [fixture]) }
    }

    @Test func renderingAndExitStatus() throws {
        let findings = try lint(try TestFiles.fixture("three-mistakes.yaml"))
        let text = Linter.render(findings, json: false)
        #expect(text.contains("three-mistakes.yaml:7: error: provider \"azurekeyvault\""))
        #expect(text.contains("fix: set spec.provider: azure"))
        #expect(text.hasSuffix("3 problems (2 errors, 1 warning)\n"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(Linter.render(findings, json: true).utf8)) as? [String: Any])
        #expect(json["errors"] as? Int == 2 && json["warnings"] as? Int == 1)
        #expect((json["findings"] as? [[String: Any]])?.first?["path"] as? String == "spec.provider")
        #expect(Linter.render([], json: false) == "no problems found\n")
        #expect(Linter.exitStatus(for: findings) == 1 && Linter.exitStatus(for: []) == 0)
    }

    /// The extension fields are known fields; a Secret synced from an optional object's file is a warning.
    @Test func extensionFieldsAndOptionalObjectsInSecretObjects() throws {
        let text = """
            apiVersion: secrets-store.csi.x-k8s.io/v1
            kind: SecretProviderClass
            metadata: {name: c}
            spec:
              provider: azure
              secretObjects:
                - secretName: s
                  type: Opaque
                  data:
                    - {objectName: maybe, key: a}
                    - {objectName: db-user, key: b}
              parameters:
                keyvaultName: my-kv
                tenantID: t
                clientID: c
                objects: |
                  array:
                    - |
                      objectName: maybe
                      objectType: secret
                      optional: "true"
                    - |
                      objectName: db
                      objectType: secret
                      keyvaultName: other-kv
                      jmesPath:
                        - {path: user, objectAlias: db-user}
            """
        let findings = try lint(("c.yaml", text))
        #expect(findings.map(\.rule) == ["secret-objects-optional"])
        #expect(findings.first?.path == "spec.secretObjects[0].data[0].objectName")
        #expect(findings.first?.severity == .warning)
    }
}
