import AzureCloud
import Foundation
import TestSupport
import Testing

@testable import ProviderParameters

@Suite struct MountParametersTests {
    func parse(
        _ attributes: [String: String], secrets: [String: String] = [:],
        settings: ParameterSettings = ParameterSettings()
    ) throws(ParameterError) -> MountParameters {
        try MountParameters.parse(attributes: attributes, secrets: secrets, settings: settings)
    }

    func error(_ attributes: [String: String], secrets: [String: String] = [:]) -> ParameterError? {
        do {
            _ = try parse(attributes, secrets: secrets)
            return nil
        } catch { return error }
    }

    @Test func validMinimalClass() throws {
        let parameters = try parse(baseAttributes())
        #expect(parameters.keyvaultName == "my-kv")
        #expect(parameters.tenantID == "tenant-1")
        #expect(parameters.cloud == .builtIn(CloudName.azurePublicCloud.builtInEnvironment!))
        #expect(parameters.objects.map(\.name) == ["s1"])
        #expect(parameters.identity.modeName == "workload identity")
    }

    @Test(arguments: [
        (["keyvaultName": ""], "keyvaultName", "keyvaultName is not provided"),
        (["keyvaultName": "   "], "keyvaultName", "keyvaultName is not provided"),
        (["tenantID": "", "tenantId": ""], "tenantID", "tenantId is not provided"),
        (["objects": ""], "objects", "objects is not set"),
        (["csi.storage.k8s.io/pod.name": ""], "csi.storage.k8s.io/pod.name", "pod name is not provided"),
        (
            ["csi.storage.k8s.io/pod.namespace": " "], "csi.storage.k8s.io/pod.namespace",
            "pod namespace is not provided"
        ),
        (["objects": "  \n "], "objects", "objects is not set"),
        (["objects": "array: []"], "objects", "objects array is empty"),
        (["objects": "array:"], "objects", "objects array is empty"),
        (["objects": "other: 1"], "objects", "objects array is empty"),
        (
            ["keyvaultName": "ab"], "keyvaultName",
            #"failed to get vault: Invalid vault name: "ab", must be between 3 and 24 chars"#
        ),
        (
            ["keyvaultName": String(repeating: "a", count: 25)], "keyvaultName",
            #"failed to get vault: Invalid vault name: "aaaaaaaaaaaaaaaaaaaaaaaaa", must be between 3 and 24 chars"#
        ),
        (
            ["keyvaultName": "my_vault.name"], "keyvaultName",
            #"failed to get vault: Invalid vault name: "my_vault.name", must match [-a-zA-Z0-9]{3,24}"#
        ),
        (
            ["cloudName": "AzureMoonCloud"], "cloudName",
            #"cloudName AzureMoonCloud is not valid, error: autorest/azure: There is no cloud environment matching the name "AZUREMOONCLOUD""#
        ),
    ])
    func parameterErrors(overrides: [String: String], field: String, message: String) {
        let found = error(baseAttributes(overrides))
        #expect(found?.field == field)
        #expect(found?.message == message)
        #expect(found?.objectIndex == nil)
    }

    @Test func errorOrderFollowsTheGoProvider() {
        let found = error(["objects": ""])
        #expect(found?.message == "keyvaultName is not provided")
        #expect(error(["keyvaultName": "kv1"])?.message == "tenantId is not provided")
    }

    @Test(arguments: [
        (["tenantID": "new", "tenantId": "old"], "new"),
        (["tenantID": "", "tenantId": "old"], "old"),
        (["tenantID": "  ", "tenantId": " old "], "old"),
        (["tenantId": "old"], "old"),
        (["tenantID": " new\n"], "new"),
    ])
    func tenantPrecedence(values: [String: String], expected: String) throws {
        var attributes = baseAttributes()
        attributes["tenantID"] = nil
        for (key, value) in values { attributes[key] = value }
        #expect(try parse(attributes).tenantID == expected)
    }

    @Test func valuesAreTrimmed() throws {
        let parameters = try parse(
            baseAttributes([
                "keyvaultName": "  my-kv\t", "cloudName": " AzureChinaCloud ", "clientID": " client-1 ",
                "csi.storage.k8s.io/pod.name": " pod ", "csi.storage.k8s.io/pod.namespace": "ns ",
                "secretProviderClass": " azure-kv ",
            ]))
        #expect(parameters.keyvaultName == "my-kv")
        #expect(parameters.cloud == .builtIn(CloudName.azureChinaCloud.builtInEnvironment!))
        #expect(parameters.pod == PodInfo(name: "pod", namespace: "ns"))
        #expect(parameters.className == "azure-kv")
        guard case .workloadIdentity(let clientID, _) = parameters.identity else {
            Issue.record("expected workload identity")
            return
        }
        #expect(clientID == "client-1")
    }

    @Test(arguments: [
        ("", CloudName.azureUSGovernmentCloud),  // the --cloud-name default
        ("AzurePublicCloud", .azurePublicCloud), ("azurecloud", .azurePublicCloud),
        ("AZUREUSGOVERNMENTCLOUD", .azureUSGovernmentCloud), ("AzureChinaCloud", .azureChinaCloud),
        ("azuregermancloud", .azureGermanCloud),
    ])
    func cloudNames(text: String, expected: CloudName) throws {
        let settings = ParameterSettings(defaultCloudName: .azureUSGovernmentCloud)
        #expect(
            try parse(baseAttributes(["cloudName": text]), settings: settings).cloud
                == .builtIn(expected.builtInEnvironment!))
    }

    @Test func azureStackNeedsEnvironmentFile() throws {
        #expect(error(baseAttributes(["cloudName": "AzureStackCloud"]))?.field == "cloudEnvFileName")
        let parameters = try parse(
            baseAttributes(["cloudName": "AzureStackCloud", "cloudEnvFileName": " /etc/env.json "]))
        #expect(parameters.cloud == .azureStack(environmentFile: "/etc/env.json"))
    }

    @Test(arguments: ["1", "t", "T", "TRUE", "true", "True"])
    func goTrueSpellings(text: String) throws {
        #expect(GoBool.parse(text) == true)
        let parameters = try parse(baseAttributes(["useVMManagedIdentity": text]))
        #expect(parameters.identity == .vmManagedIdentity(userAssignedIdentityID: nil))
    }

    @Test(arguments: ["", "0", "f", "F", "FALSE", "false", "False", " false "])
    func goFalseSpellings(text: String) throws {
        let parameters = try parse(baseAttributes(["useVMManagedIdentity": text, "usePodIdentity": text]))
        #expect(parameters.identity.modeName == "workload identity")
    }

    @Test(arguments: ["yes", "no", "on", "tRuE", "2", "y", "\"true\""])
    func rejectedBooleans(text: String) {
        for key in ["usePodIdentity", "useVMManagedIdentity", "useAzureTokenProxy"] {
            let found = error(baseAttributes([key: text]))
            #expect(found?.field == key)
            #expect(found?.message.hasPrefix("failed to parse \(key) flag, error: strconv.ParseBool: parsing") == true)
        }
    }

    @Test func attributesSizeLimit() {
        let big = String(repeating: "x", count: RequestLimits.attributesBytes)
        #expect(error(baseAttributes(["padding": big]))?.field == "attributes")
    }

    @Test func tooManyObjects() {
        let entries = (0...RequestLimits.objects).map { "objectName: s\($0)\nobjectType: secret" }
        let yaml =
            "array:\n" + entries.map { "  - |\n" + $0.split(separator: "\n").map { "    \($0)\n" }.joined() }.joined()
        #expect(error(baseAttributes(["objects": yaml]))?.message.contains("more than the limit of 1000") == true)
    }

    @Test func tooManyFiles() {
        let entries = (0..<21).map { "objectName: s\($0)\nobjectType: secret\nobjectVersionHistory: 100" }
        let yaml =
            "array:\n" + entries.map { "  - |\n" + $0.split(separator: "\n").map { "    \($0)\n" }.joined() }.joined()
        #expect(error(baseAttributes(["objects": yaml]))?.message.contains("2100 files") == true)
    }

    @Test func conformanceVectorsParse() throws {
        let vectors = try ConformanceVectors.all()
        // The twelve recorded vectors of the Go provider; fewer means a folder moved and this test would not test.
        #expect(vectors.count == 12)
        for (name, url) in vectors {
            let data = try Data(contentsOf: url)
            let vector = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let objects = try #require(vector["objects"] as? String)
            let expected = try #require(vector["expected"] as? [String: Any])
            let ids = try #require(expected["object_versions"] as? [[String]]).map { $0[0] }
            let files = try #require(expected["files"] as? [[String: Any]])
            let parameters = try parse(baseAttributes(["objects": objects]))
            var gotIDs: [String] = []
            var gotFiles: [String] = []
            var gotModes: [String] = []
            for object in parameters.objects {
                for index in object.hasHistory ? (0..<object.versionHistory).map(Optional.some) : [nil] {
                    gotIDs.append(object.id(historyIndex: index))
                    gotFiles.append(object.path(historyIndex: index))
                    gotModes.append(String(format: "%04o", object.filePermission ?? 0o644))
                }
            }
            #expect(gotIDs == ids, "\(name)")
            #expect(gotFiles == files.map { $0["path"] as? String ?? "" }, "\(name)")
            #expect(gotModes == files.map { $0["mode_octal"] as? String ?? "" }, "\(name)")
        }
    }
}
