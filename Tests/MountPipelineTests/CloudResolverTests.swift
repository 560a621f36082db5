import Foundation
import Testing

@testable import MountPipeline

@Suite struct CloudResolverTests {
    func temporaryFile(_ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("env-\(UUID().uuidString).json").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func readsARegularEnvironmentFile() throws {
        let path = try temporaryFile(
            #"{"activeDirectoryEndpoint":"https://login.stack.test/","keyVaultEndpoint":"https://vault.stack.test/","keyVaultDNSSuffix":"vault.stack.test"}"#
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(
            try CloudResolver.readEnvironmentFile(path) == Data(try String(contentsOfFile: path, encoding: .utf8).utf8))
    }

    @Test func devicesAreRefusedRatherThanReadForever() {
        #expect(throws: MountError(.invalidArgument, "cloudEnvFileName /dev/zero is not a regular file")) {
            try CloudResolver.readEnvironmentFile("/dev/zero")
        }
    }

    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString)").path
        #expect(mkfifo(path, 0o600) == 0)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: MountError(.invalidArgument, "cloudEnvFileName \(path) is not a regular file")) {
            try CloudResolver.readEnvironmentFile(path)
        }
    }

    @Test func largeFilesAreRefused() throws {
        let path = try temporaryFile(String(repeating: " ", count: CloudResolver.maximumFileBytes + 1))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(
            throws: MountError(
                .invalidArgument, "cloudEnvFileName \(path) is larger than \(CloudResolver.maximumFileBytes) bytes")
        ) {
            try CloudResolver.readEnvironmentFile(path)
        }
    }

    @Test func missingFilesSaySo() {
        #expect(throws: MountError(.invalidArgument, "cloudEnvFileName /no/such/env.json cannot be read: no such file"))
        {
            try CloudResolver.readEnvironmentFile("/no/such/env.json")
        }
    }
}
