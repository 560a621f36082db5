import ArgumentParser
import Foundation
import ProviderLint

/// `lint FILE...`: checks SecretProviderClass manifests (and the pods that use them) offline.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check SecretProviderClass manifests for mistakes before deploying them.",
        discussion: """
            Reads Kubernetes YAML (multi-document) from the files given, or standard input for -. Checks every \
            SecretProviderClass for provider azure and the Pods/Deployments that mount one. Exit status: 0 no \
            findings, 1 findings, 2 unreadable input. Rules: docs/lint.md.
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "Manifest files, or - for standard input.")
    var files: [String]

    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    func run() throws {
        var inputs: [(name: String, text: String)] = []
        for file in files {
            let data: Data?
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                data = FileManager.default.contents(atPath: file)
            }
            guard let data else {
                printError("\(file): cannot read the file (missing or not readable)")
                throw ExitCode(2)
            }
            guard let text = String(data: data, encoding: .utf8) else {
                printError("\(file): not UTF-8 text")
                throw ExitCode(2)
            }
            inputs.append((name: file == "-" ? "<stdin>" : file, text: text))
        }
        let findings: [LintFinding]
        do {
            findings = try Linter.lint(files: inputs)
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
        print(Linter.render(findings, json: output == .json), terminator: "")
        let status = Linter.exitStatus(for: findings)
        if status != 0 { throw ExitCode(status) }
    }

    private func printError(_ message: String) {
        FileHandle.standardError.write(Data("lint: \(message)\n".utf8))
    }
}
