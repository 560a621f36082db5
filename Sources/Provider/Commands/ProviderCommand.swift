import ArgumentParser
import ProviderServer

/// `secrets-store-csi-driver-provider-azure [serve] [flags]`, `version`, `lint`, `mount`.
struct ProviderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets-store-csi-driver-provider-azure",
        abstract: "Azure Key Vault provider for the Secrets Store CSI Driver (Swift implementation).",
        discussion: """
            Serves the driver's provider API (v1alpha1.CSIDriverProvider) on a Unix socket. Without a \
            subcommand it runs `serve`. Flags of the Go provider are accepted in its spellings \
            (`-flag`, `--flag=value`, bare booleans).
            """,
        version: ProviderInfo.version,
        subcommands: [ServeCommand.self, VersionCommand.self, LintCommand.self, MountCommand.self],
        defaultSubcommand: ServeCommand.self)
}
