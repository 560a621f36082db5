import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import MountPipeline
import ProviderAPI
import Testing

@testable import ProviderServer

/// The driver-facing service through a real Unix socket: what a mount handler returns or throws, and what
/// the driver receives.
@Suite struct MountServiceTests {
    /// Answers each request by its `attributes` text: a kind name throws that kind, anything else succeeds.
    struct ScriptedHandler: MountHandler {
        static let kinds: [String: MountError.Kind] = [
            "invalidArgument": .invalidArgument, "permissionDenied": .permissionDenied,
            "unauthenticated": .unauthenticated,
            "notFound": .notFound, "resourceExhausted": .resourceExhausted, "unavailable": .unavailable,
            "deadlineExceeded": .deadlineExceeded, "internalError": .internalError,
        ]

        func mount(_ input: MountInput) async throws(MountError) -> MountResult {
            if let kind = Self.kinds[input.attributes] { throw MountError(kind, "scripted \(input.attributes)") }
            return MountResult(
                files: [
                    MountedFile(path: "dir/a", mode: 0o600, contents: [0, 1, 255]),
                    MountedFile(path: "b", mode: 0o644, contents: []),
                ],
                objectVersions: [
                    ObjectVersion(id: "secret/a", version: "v1"), ObjectVersion(id: "key/b", version: "v2"),
                ])
        }
    }

    static let expectedCodes: [(String, RPCError.Code)] = [
        ("invalidArgument", .invalidArgument), ("permissionDenied", .permissionDenied),
        ("unauthenticated", .unauthenticated), ("notFound", .notFound), ("resourceExhausted", .resourceExhausted),
        ("unavailable", .unavailable), ("deadlineExceeded", .deadlineExceeded), ("internalError", .internalError),
    ]

    @Test func eachMountErrorKindReachesTheDriverAsItsStatus() async throws {
        try await withServer { client in
            for (kind, code) in Self.expectedCodes {
                var request = V1alpha1_MountRequest()
                request.attributes = kind
                let error = await #expect(throws: RPCError.self) { try await client.mount(request) }
                #expect(error?.code == code, "\(kind)")
                #expect(error?.message == "failed to mount objects, error: scripted \(kind)")
            }
        }
    }

    @Test func filesAndObjectVersionsReachTheDriverUnchanged() async throws {
        try await withServer { client in
            var request = V1alpha1_MountRequest()
            request.attributes = "{}"
            let response = try await client.mount(request)
            #expect(response.files.map(\.path) == ["dir/a", "b"])
            #expect(response.files.map(\.mode) == [0o600, 0o644])
            #expect(response.files.map { Array($0.contents) } == [[0, 1, 255], []])
            #expect(response.objectVersion.map { "\($0.id)=\($0.version)" } == ["secret/a=v1", "key/b=v2"])
        }
    }

    /// Serves `ScriptedHandler` on a socket in a fresh folder, runs `body` with a client, then stops the server.
    func withServer(_ body: (V1alpha1_CSIDriverProvider.Client<HTTP2ClientTransport.Posix>) async throws -> Void)
        async throws
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mount-service-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let socket = folder.appendingPathComponent("azure.sock").path
        let settings = ServerSettings(
            endpoint: try UnixSocketEndpoint(parsing: "unix://\(socket)"), healthzHost: "127.0.0.1", healthzPort: 0)
        let server = Task {
            try await ServerRunner.run(settings: settings, mounter: ScriptedHandler(), logger: Logger(label: "test"))
        }
        defer { server.cancel() }
        let deadline = ContinuousClock.now + .seconds(20)
        while !FileManager.default.fileExists(atPath: socket) {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(10))
        }
        try await withGRPCClient(
            transport: .http2NIOPosix(target: .unixDomainSocket(path: socket), transportSecurity: .plaintext)
        ) {
            try await body(V1alpha1_CSIDriverProvider.Client(wrapping: $0))
        }
    }
}
