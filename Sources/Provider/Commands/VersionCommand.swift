import ArgumentParser
import ProviderServer

/// `version`: prints the provider's semver.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the provider's version.")

    func run() {
        print("\(ProviderInfo.runtimeName) \(ProviderInfo.version)")
    }
}
