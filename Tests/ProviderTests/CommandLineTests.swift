import ArgumentParser
import Testing

@testable import Provider

@Suite struct CommandLineTests {
    @Test func goStyleFlagsAreNormalised() {
        #expect(
            GoFlagCompatibility.normalize([
                "-endpoint=unix:///provider/azure.sock", "--construct-pem-chain", "-v=3", "-v", "4",
                "--write-cert-and-key-in-separate-files=false", "--", "-keep",
            ]) == [
                "--endpoint=unix:///provider/azure.sock", "--construct-pem-chain=true", "--verbosity=3", "-v", "4",
                "--write-cert-and-key-in-separate-files=false", "--", "-keep",
            ])
    }

    @Test(arguments: ["1", "t", "T", "TRUE", "true", "True"])
    func goTrueSpellings(text: String) { #expect(BoolFlag(argument: text)?.value == true) }

    @Test(arguments: ["0", "f", "F", "FALSE", "false", "False"])
    func goFalseSpellings(text: String) { #expect(BoolFlag(argument: text)?.value == false) }

    @Test(arguments: ["yes", "no", "tRUE", "", "2", "on"])
    func notGoBooleans(text: String) { #expect(BoolFlag(argument: text) == nil) }

    @Test(arguments: [
        ("5s", Duration.seconds(5)), ("500ms", .milliseconds(500)), ("1m30s", .seconds(90)), ("2h", .seconds(7200)),
        ("1.5s", .milliseconds(1500)),
    ])
    func goDurations(text: String, duration: Duration) { #expect(DurationFlag(argument: text)?.duration == duration) }

    @Test(arguments: ["5", "s", "", "5x", "-1s", "0s", "1m30", "1000000000h"])
    func notGoDurations(text: String) { #expect(DurationFlag(argument: text) == nil) }

    @Test func serveDefaultsMatchTheGoProvider() throws {
        let serve = try ServeCommand.parse([])
        #expect(serve.endpoint == "unix:///tmp/azure.sock")
        #expect(serve.healthzPort == 8989)
        #expect(serve.healthzPath == "/healthz")
        #expect(serve.healthzTimeout.duration == .seconds(5))
        #expect(serve.prometheusPort == 8898)
        #expect(serve.pipeline.constructPEMChain.value)
        #expect(!serve.pipeline.writeCertAndKeyInSeparateFiles.value)
        #expect(serve.pipeline.nmiPort == 2579)
    }

    @Test(arguments: [
        (["--healthz-port=0"], "--healthz-port must be between 1 and 65535, got 0"),
        (["--nmi-port=65536"], "--nmi-port must be between 1 and 65535, got 65536"),
        (["--healthz-path=healthz"], "--healthz-path must start with /, got \"healthz\""),
        (["--endpoint=tcp://x"], "--endpoint: invalid endpoint \"tcp://x\": expected unix://<path>"),
        (["--metrics-backend=statsd"], "--metrics-backend \"statsd\" is not supported; use prometheus"),
        (["--cloud-name=AzureStackCloud"], "--cloud-name \"AzureStackCloud\" is not a built-in cloud"),
        (["--cloud-name=Mars"], "--cloud-name \"Mars\" is not a built-in cloud"),
        (["--verbosity=-2"], "-v/--verbosity must be 0 or more, got -2"),
        (["--max-requests-per-vault=0"], "--max-requests-per-vault must be between 1 and 1024, got 0"),
    ])
    func badServeFlagsAreRejected(arguments: [String], message: String) {
        #expect(ServeCommand.message(for: parseError(arguments)).contains(message))
    }

    /// What parsing `arguments` fails with (or a note that it did not).
    func parseError(_ arguments: [String]) -> any Error {
        do {
            _ = try ServeCommand.parse(arguments)
            return ValidationError("parsed without an error")
        } catch {
            return error
        }
    }

    @Test func theDefaultSubcommandIsServe() throws {
        let command = try ProviderCommand.parseAsRoot(["--healthz-port=9000"])
        #expect((command as? ServeCommand)?.healthzPort == 9000)
    }

    @Test func jsonLogLinesAreValidJSONAndSorted() throws {
        let line = ProviderLogHandler.render(
            format: .json, date: .init(timeIntervalSince1970: 0), level: .info, message: "a \"quoted\"\nline",
            metadata: ["b": "2", "a": "1"])
        #expect(line == #"{"ts":"1970-01-01T00:00:00.000Z","level":"info","msg":"a \"quoted\"\nline","a":"1","b":"2"}"#)
    }

    @Test func textLogLinesQuoteValuesWithSpaces() {
        let line = ProviderLogHandler.render(
            format: .text, date: .init(timeIntervalSince1970: 0), level: .warning, message: "m",
            metadata: ["reason": "two words", "n": "1"])
        #expect(line == #"1970-01-01T00:00:00.000Z warning m n=1 reason="two words""#)
    }

    @Test func aNewlineInAValueCannotForgeALogLine() {
        let line = ProviderLogHandler.render(
            format: .text, date: .init(timeIntervalSince1970: 0), level: .warning, message: "m",
            metadata: ["class": "x\n1970-01-01T00:00:00.000Z info forged"])
        #expect(!line.contains("\n"))
        #expect(line.hasSuffix(#"class="x\n1970-01-01T00:00:00.000Z info forged""#))
    }
}
