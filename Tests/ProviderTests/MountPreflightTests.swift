import AzureHTTP
import Logging
import MountPipeline
import ProviderParameters
import Testing

@testable import Provider

/// `--dry-run` stops where a mount sends its first request, after the same checks: the class, the cloud and the
/// credential of the identity (built by the server's own vault factory, which needs no network to refuse one).
@Suite struct MountPreflightTests {
    static func run(_ parameters: [String: String], identity: WorkstationIdentity) async throws -> Result<
        MountParameters, MountError
    > {
        let options = try PipelineOptions.parse([])
        let logger = Logger(label: "test")
        let http = try AzureHTTPClient(settings: options.httpClientSettings, logger: logger)
        let builder = MountRequestBuilder(
            manifest: SecretProviderClassManifest(name: "c", namespace: nil, parameters: parameters),
            pod: PodInfo(name: "mount-cli", namespace: "default"), identity: identity)
        let preflight = MountPreflight(
            settings: options.pipelineSettings, vaults: options.makeVaults(http: http, logger: logger))
        let result: Result<MountParameters, MountError>
        do throws(MountError) {
            result = .success(try preflight.run(builder.input).parameters)
        } catch {
            result = .failure(error)
        }
        try await http.shutdown()
        return result
    }

    static let objects = "array:\n  - |\n    objectName: db\n    objectType: secret\n"

    @Test func aValidClassAndIdentityPass() async throws {
        let result = try await Self.run(
            ["keyvaultName": "kv-demo", "tenantID": "tenant-1", "objects": Self.objects],
            identity: .servicePrincipal(clientID: "client-1", clientSecret: "s3cret"))
        #expect(try result.get().keyvaultName == "kv-demo")
    }

    @Test func theCredentialIsCheckedAsTheMountChecksIt() async throws {
        let result = try await Self.run(
            ["keyvaultName": "kv-demo", "tenantID": "not/a/tenant", "objects": Self.objects],
            identity: .servicePrincipal(clientID: "client-1", clientSecret: "s3cret"))
        guard case .failure(let error) = result else {
            Issue.record("a tenant id with slashes passed the preflight")
            return
        }
        #expect(error.kind == .invalidArgument)
        #expect(error.message.hasPrefix("failed to get credentials: ClientSecretCredential: invalid tenantID"))
        #expect(!error.message.contains("s3cret"))
    }

    @Test func anAzureStackClassNeedsItsEnvironmentFile() async throws {
        let result = try await Self.run(
            [
                "keyvaultName": "kv-stack", "tenantID": "tenant-1", "objects": Self.objects,
                "cloudName": "AzureStackCloud", "cloudEnvFileName": "/no/such/env.json",
            ], identity: .servicePrincipal(clientID: "client-1", clientSecret: "s3cret"))
        guard case .failure(let error) = result else {
            Issue.record("a missing environment file passed the preflight")
            return
        }
        #expect(error.message == "cloudEnvFileName /no/such/env.json cannot be read: no such file")
    }
}
