import ArgumentParser

/// Normalises Go-style flags, then hands over to swift-argument-parser.
@main
enum EntryPoint {
    static func main() async {
        let arguments = GoFlagCompatibility.normalize(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try ProviderCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            ProviderCommand.exit(withError: error)
        }
    }
}
