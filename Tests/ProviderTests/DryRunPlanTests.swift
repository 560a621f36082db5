import AzureCloud
import MountPipeline
import ProviderParameters
import Testing

@testable import Provider

/// `mount --dry-run` lists the requests a mount would send, built as the clients build them, with no credential.
@Suite struct DryRunPlanTests {
    static let tenant = "8a3b9c1d-2e4f-4a5b-9c6d-7e8f9a0b1c2d"
    static let objects = """
        array:
          - |
            objectName: db-password
            objectType: secret
          - |
            objectName: rsa-key
            objectType: key
            objectVersion: 0123abcd
          - |
            objectName: app-secret
            objectType: secret
            objectAlias: history
            objectVersionHistory: 3
          - |
            objectName: tls
            objectType: cert
        """

    static func plan(
        _ parameters: [String: String], secrets: [String: String] = [:], token: String? = nil,
        cloud: CloudName = .azurePublicCloud, tokenProxyURL: String = "https://kubernetes.default.svc.cluster.local"
    )
        throws -> DryRunPlan
    {
        var attributes = ["keyvaultName": "kv-demo", "tenantID": tenant, "objects": objects]
        attributes.merge(parameters) { _, new in new }
        let builder = MountRequestBuilder(
            manifest: SecretProviderClassManifest(name: "demo", namespace: nil, parameters: attributes),
            pod: PodInfo(name: "mount-cli", namespace: "default"),
            identity: token.map { .serviceAccountToken($0) }
                ?? (secrets.isEmpty
                    ? .none : .servicePrincipal(clientID: secrets["clientid"]!, clientSecret: secrets["clientsecret"]!))
        )
        let prepared = try KeyVaultMounter.prepare(builder.input, settings: ParameterSettings(defaultCloudName: cloud))
        return DryRunPlan(
            parameters: prepared.parameters, environment: prepared.environment, nmiPort: 2579,
            tokenProxyURL: tokenProxyURL)
    }

    /// Identity binding plans its token request at the proxy's address (the request names the TLS server name).
    @Test func identityBindingPlansTheTokenProxy() throws {
        let plan = try Self.plan(
            ["useAzureTokenProxy": "true", "clientID": "client-1"], token: "not-a-jwt",
            tokenProxyURL: "https://10.0.0.1:8443/proxy")
        #expect(plan.tokenRequest.method == "POST")
        #expect(plan.tokenRequest.url == "https://10.0.0.1:8443/proxy/\(Self.tenant)/oauth2/v2.0/token")
        #expect(
            plan.tokenRequest.purpose
                == "token (identity binding via the token proxy, scope https://vault.azure.net/.default)")
        #expect(plan.render().contains("identity: identity binding, client id client-1, pod default/mount-cli\n"))
    }

    @Test func servicePrincipalPlanNamesEveryRequestAndNoSecret() throws {
        let plan = try Self.plan([:], secrets: ["clientid": "client-1", "clientsecret": "do-not-print-me"])
        let text = plan.render()
        // Compared with runs of spaces collapsed; the alignment is checked on its own.
        let lines = text.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        let t = Self.tenant
        #expect(
            lines == [
                "SecretProviderClass demo: vault kv-demo (AzurePublicCloud), tenant \(t)",
                "identity: service principal, client id client-1, pod default/mount-cli",
                "4 objects valid; requests a mount would make (none sent):",
                "POST https://login.microsoftonline.com/\(t)/oauth2/v2.0/token # token (service principal, scope"
                    + " https://vault.azure.net/.default)",
                "GET https://kv-demo.vault.azure.net/secrets/db-password/?api-version=7.4 # secret/db-password ->"
                    + " db-password",
                "GET https://kv-demo.vault.azure.net/keys/rsa-key/0123abcd?api-version=7.4 # key/rsa-key -> rsa-key",
                "GET https://kv-demo.vault.azure.net/secrets/app-secret/versions?api-version=7.4 # secret/app-secret:"
                    + " list versions (25 per page)",
                "GET https://kv-demo.vault.azure.net/secrets/app-secret/<version>?api-version=7.4 # secret/app-secret:"
                    + " up to 3 reads, the newest enabled versions -> history/0..2",
                "GET https://kv-demo.vault.azure.net/certificates/tls/?api-version=7.4 # cert/tls -> tls",
            ])
        let commentColumns = Set(
            text.split(separator: "\n").dropFirst(3).map { line in
                line.firstRange(of: "  # ").map { line.distance(from: line.startIndex, to: $0.lowerBound) }
            })
        #expect(commentColumns.count == 1)
        #expect(!text.contains("do-not-print-me"))
    }

    @Test func managedIdentityAsksIMDSForTheCloudsResource() throws {
        let plan = try Self.plan(
            ["useVMManagedIdentity": "true", "userAssignedIdentityID": "mi-1", "cloudName": "AzureUSGovernmentCloud"])
        #expect(
            plan.tokenRequest.url
                == "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.usgovcloudapi.net&client_id=mi-1"
        )
        #expect(
            plan.objectRequests.first?.url
                == "https://kv-demo.vault.usgovcloudapi.net/secrets/db-password/?api-version=7.4")
    }

    @Test func podIdentityAsksNMIOnItsPort() throws {
        let plan = try Self.plan(["usePodIdentity": "true"])
        #expect(plan.tokenRequest.method == "GET")
        #expect(plan.tokenRequest.url == "http://localhost:2579/host/token/?resource=https://vault.azure.net")
    }

    @Test func theDefaultCloudComesFromTheFlag() throws {
        let plan = try Self.plan(["useVMManagedIdentity": "true"], cloud: .azureChinaCloud)
        #expect(plan.objectRequests.first?.url == "https://kv-demo.vault.azure.cn/secrets/db-password/?api-version=7.4")
    }

    @Test func workloadIdentityPlanNeverShowsTheToken() throws {
        let token = MountRequestBuilderTests.jwt(#"{"exp":1798761600}"#)
        var attributes = ["keyvaultName": "kv-demo", "tenantID": Self.tenant, "objects": Self.objects]
        attributes["clientID"] = "wi-client"
        let builder = MountRequestBuilder(
            manifest: SecretProviderClassManifest(name: "demo", namespace: nil, parameters: attributes),
            pod: PodInfo(name: "mount-cli", namespace: "default"), identity: .serviceAccountToken(token))
        let prepared = try KeyVaultMounter.prepare(builder.input, settings: ParameterSettings())
        let text = DryRunPlan(parameters: prepared.parameters, environment: prepared.environment, nmiPort: 2579)
            .render()
        #expect(text.contains("identity: workload identity, client id wi-client"))
        #expect(text.contains("POST https://login.microsoftonline.com/\(Self.tenant)/oauth2/v2.0/token"))
        #expect(!text.contains(token))
        #expect(!text.contains(String(token.split(separator: ".")[1])))
    }
}
