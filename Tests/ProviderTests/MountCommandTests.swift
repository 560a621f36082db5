import Foundation
import Testing

@testable import Provider

/// `mount`'s flags: the pipeline flags are serve's own, identities exclude each other, defaults of the pod.
@Suite struct MountCommandTests {
    @Test func mountSharesServesPipelineFlagsAndDefaults() throws {
        let serve = try ServeCommand.parse([])
        let mount = try MountCommand.parse(["-f", "class.yaml"])
        #expect(mount.pipeline.constructPEMChain == serve.pipeline.constructPEMChain)
        #expect(mount.pipeline.writeCertAndKeyInSeparateFiles == serve.pipeline.writeCertAndKeyInSeparateFiles)
        #expect(mount.pipeline.cloudName == serve.pipeline.cloudName)
        #expect(mount.pipeline.nmiPort == serve.pipeline.nmiPort)
        #expect(mount.pipeline.mountTimeout == serve.pipeline.mountTimeout)
        #expect(mount.pipeline.extraCABundle == nil && mount.pipeline.customUserAgent == nil)
        #expect(mount.podName == "mount-cli" && mount.namespace == nil && !mount.dryRun && mount.out == nil)
    }

    @Test func pipelineFlagsParseForMountAsForServe() throws {
        let mount = try MountCommand.parse([
            "-f", "c.yaml", "--cloud-name=AzureChinaCloud", "--nmi-port=3000", "--construct-pem-chain=false",
            "--extra-ca-bundle", "/ca.pem", "--mount-timeout=5s",
        ])
        #expect(mount.pipeline.pipelineSettings.parameters.defaultCloudName == .azureChinaCloud)
        #expect(!mount.pipeline.pipelineSettings.content.constructPEMChain)
        #expect(mount.pipeline.pipelineSettings.mountTimeout == .seconds(5))
        #expect(mount.pipeline.httpClientSettings.extraCABundlePath == "/ca.pem")
        #expect(mount.pipeline.nmiPort == 3000)
    }

    @Test(arguments: [
        ["--service-account-token", "t", "--client-id", "c", "--client-secret-file", "s"], ["--client-id", "c"],
        ["--client-secret-file", "s"], ["--dry-run", "--out", "d"], ["--cloud-name=AzureStackCloud"],
        ["--nmi-port=0"], ["--namespace="], [],
    ])
    func badMountFlagsAreRejected(arguments: [String]) {
        #expect(throws: (any Error).self) {
            try MountCommand.parse((arguments.isEmpty ? [] : ["-f", "c.yaml"]) + arguments)
        }
    }

    @Test func theRootCommandKnowsMount() throws {
        let command = try ProviderCommand.parseAsRoot(["mount", "-f", "-", "--dry-run"])
        #expect((command as? MountCommand)?.dryRun == true)
    }

    @Test func thePodNamespaceDefaultsToTheClasssNamespace() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mount-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let classFile = dir.appendingPathComponent("class.yaml")
        try Data(SecretProviderClassManifestTests.spc("c", namespace: "team-a").utf8).write(to: classFile)
        let secretFile = dir.appendingPathComponent("secret")
        try Data("  s3cret\n".utf8).write(to: secretFile)

        let builder = try MountCommand.parse([
            "-f", classFile.path, "--client-id", "client-1", "--client-secret-file", secretFile.path,
        ]).requestBuilder()
        #expect(builder.pod.namespace == "team-a" && builder.pod.name == "mount-cli")
        #expect(builder.identity == .servicePrincipal(clientID: "client-1", clientSecret: "s3cret"))
        let overridden = try MountCommand.parse(["-f", classFile.path, "--namespace", "other"]).requestBuilder()
        #expect(overridden.pod.namespace == "other" && overridden.identity == WorkstationIdentity.none)
    }

    @Test func missingFilesAreNamed() throws {
        #expect(throws: MountInputError("/no/such/class.yaml: cannot read the file (missing or not readable)")) {
            try MountCommand.parse(["-f", "/no/such/class.yaml"]).requestBuilder()
        }
    }
}
