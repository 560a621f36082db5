import Foundation
import Testing

@testable import Provider

/// The README's flag table states the defaults `serve` really has (both read them from the settings types).
@Suite struct FlagDocumentationTests {
    /// `--flag` -> the default the README's table gives, from rows like "| `--a`, `--b` | `1`, `2` | ... |".
    static func documentedDefaults() throws -> [String: String] {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        var defaults: [String: String] = [:]
        for line in try String(contentsOf: readme, encoding: .utf8).split(separator: "\n") where line.hasPrefix("| `-")
        {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let flags = cells[0].split(separator: ",").map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: " `"))
            }
            let values = cells[1].split(separator: ",").map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: " `"))
            }
            for (flag, value) in zip(flags, values) { defaults[flag] = value }
        }
        return defaults
    }

    @Test func theReadmeGivesEachServeDefault() throws {
        let serve = try ServeCommand.parse([])
        let actual: [String: String] = [
            "--endpoint": serve.endpoint, "--healthz-port": "\(serve.healthzPort)", "--healthz-path": serve.healthzPath,
            "--healthz-timeout": "\(serve.healthzTimeout)",
            "--construct-pem-chain": "\(serve.pipeline.constructPEMChain)",
            "--write-cert-and-key-in-separate-files": "\(serve.pipeline.writeCertAndKeyInSeparateFiles)",
            "--cloud-name": serve.pipeline.cloudName, "--nmi-port": "\(serve.pipeline.nmiPort)",
            "--extra-ca-bundle": "none",
            "--custom-user-agent": "none", "--mount-timeout": "\(serve.pipeline.mountTimeout)",
            "--max-requests-per-vault": "\(serve.pipeline.maxRequestsPerVault)",
            "--token-proxy-url": serve.pipeline.tokenProxyURL, "--sni-name": "none",
            "--token-proxy-ca-file": serve.pipeline.tokenProxyCAFile,
            "--shutdown-grace-period": "\(serve.shutdownGracePeriod)", "--metrics-backend": serve.metricsBackend,
            "--metrics-bind-address": serve.metricsBindAddress, "--metrics-object-names": "\(serve.metricsObjectNames)",
            "--prometheus-port": "\(serve.prometheusPort)", "--log-format-json": "\(serve.logging.logFormatJSON)",
            "-v": "\(serve.logging.verbosity)",
        ]
        #expect(
            serve.pipeline.extraCABundle == nil && serve.pipeline.customUserAgent == nil
                && serve.pipeline.sniName == nil)
        #expect(try Self.documentedDefaults() == actual)
    }

    /// A flag added to `serve` without a row in the README fails here.
    @Test func everyServeFlagHasAReadmeRow() throws {
        let help = ServeCommand.helpMessage(columns: 1000)
        let flags = Set(
            help.split(whereSeparator: { " ,\n[]<>=".contains($0) }).map(String.init).filter {
                $0.hasPrefix("--") && $0.count > 2
            })
        // The README writes `--verbosity` as its short form `-v`.
        let documented = Set(try Self.documentedDefaults().keys).subtracting(["-v"]).union(["--verbosity", "--help"])
        #expect(flags == documented)
    }
}
