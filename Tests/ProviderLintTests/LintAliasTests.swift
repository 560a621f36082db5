import ProviderLint
import TestSupport
import Testing

/// Anchors and aliases in manifests: modest ones are read, bombs are refused quickly.
@Suite struct LintAliasTests {
    @Test func lintRefusesAliasBombs() throws {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n" + billionLaughs(indent: "  ")
        let outcome = finishing(within: 10) { () -> LintInputError? in
            do throws(LintInputError) {
                _ = try Linter.lint(yamlText: text, fileName: "bomb.yaml")
                return nil
            } catch { return error }
        }
        let error = try #require(outcome ?? nil)
        #expect(error.file == "bomb.yaml" && error.message.contains("aliases expand to more than"))
    }

    /// Ordinary anchors in manifests (shared env, labels) are still linted.
    @Test func lintAcceptsModestAliases() throws {
        let text = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: app
              labels: &labels {app: web}
            spec:
              containers:
                - name: a
                  image: nginx
                  env: &env [{name: X, value: "1"}]
                - name: b
                  image: nginx
                  env: *env
            """
        #expect(try Linter.lint(yamlText: text, fileName: "pod.yaml").isEmpty)
    }
}
