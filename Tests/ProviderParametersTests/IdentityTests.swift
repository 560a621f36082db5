import Foundation
import TestSupport
import Testing

@testable import ProviderParameters

@Suite struct IdentityTests {
    static let tokensKey = "csi.storage.k8s.io/serviceAccount.tokens"
    static let bothTokens =
        #"{"api://AzureADTokenExchange":{"token":"jwt-wi","expirationTimestamp":"2030-01-02T03:04:05Z"},"api://AKSIdentityBinding":{"token":"jwt-ib"}}"#

    func select(_ overrides: [String: String], secrets: [String: String] = [:]) throws(ParameterError)
        -> IdentitySelection
    {
        var attributes = baseAttributes(overrides)
        if overrides["clientID"] == nil && overrides.keys.contains("noClientID") { attributes["clientID"] = nil }
        attributes["noClientID"] = nil
        return try MountParameters.parse(attributes: attributes, secrets: secrets, settings: ParameterSettings())
            .identity
    }

    func failure(_ overrides: [String: String], secrets: [String: String] = [:]) -> ParameterError? {
        do {
            _ = try select(overrides, secrets: secrets)
            return nil
        } catch { return error }
    }

    @Test func workloadIdentity() throws {
        let identity = try select([:])
        let expiration = try #require(ISO8601DateFormatter().date(from: "2030-01-02T03:04:05Z"))
        #expect(
            identity
                == .workloadIdentity(
                    clientID: "client-1", token: ServiceAccountToken(token: "jwt-wi", expiration: expiration)))
    }

    @Test func tokensFromSecretsWhenAttributesLackThem() throws {
        let identity = try select([Self.tokensKey: ""], secrets: [Self.tokensKey: Self.bothTokens])
        guard case .workloadIdentity(_, let token) = identity else {
            Issue.record("\(identity)")
            return
        }
        #expect(token.token == "jwt-wi")
    }

    @Test func attributesWinOverSecrets() throws {
        let other = #"{"api://AzureADTokenExchange":{"token":"from-secrets"}}"#
        guard case .workloadIdentity(_, let token) = try select([:], secrets: [Self.tokensKey: other]) else {
            Issue.record("not workload identity")
            return
        }
        #expect(token.token == "jwt-wi")
    }

    @Test(arguments: [
        ("", "service account tokens not found"),
        ("{not json", "failed to unmarshal service account tokens"),
        ("[1]", "failed to unmarshal service account tokens"),
        (
            #"{"other":{"token":"x"}}"#,
            #"token for audience api://AzureADTokenExchange not found (audiences sent: "other")"#
        ),
        (#"{"api://AzureADTokenExchange":{"token":""}}"#, "token for audience api://AzureADTokenExchange not found"),
        (#"{"api://AzureADTokenExchange":"jwt"}"#, "token for audience api://AzureADTokenExchange not found"),
    ])
    func workloadIdentityTokenErrors(tokens: String, message: String) {
        let found = failure([Self.tokensKey: tokens])
        #expect(found?.field == Self.tokensKey)
        #expect(found?.message.contains(message) == true, "\(String(describing: found))")
        // The fix (add the audience to the CSIDriver's tokenRequests) is named unless the tokens are unreadable.
        #expect(found?.message.contains("tokenRequests") == !message.contains("unmarshal"))
        #expect(found?.message.contains("jwt") != true)
    }

    /// Identity binding takes the pod's `api://AKSIdentityBinding` token, never the workload identity one.
    @Test func identityBindingUsesItsOwnAudience() throws {
        let identity = try select(["useAzureTokenProxy": "true", Self.tokensKey: Self.bothTokens])
        #expect(identity == .identityBinding(clientID: "client-1", token: ServiceAccountToken(token: "jwt-ib")))
        #expect(identity.modeName == "identity binding")
    }

    /// Only the workload identity token was sent: the error names the missing audience and the CSIDriver fix.
    @Test func identityBindingWithoutItsTokenNamesTheAudience() {
        let found = failure(["useAzureTokenProxy": "true"])
        #expect(found?.field == Self.tokensKey)
        #expect(
            found?.message
                == #"token for audience api://AKSIdentityBinding not found (audiences sent: "api://AzureADTokenExchange");"#
                + #" identity binding (useAzureTokenProxy) needs it: add audience "api://AKSIdentityBinding" to the"#
                + " CSIDriver's spec.tokenRequests (Helm chart of the driver: tokenRequests[].audience) so the driver"
                + " sends the pod's token")
        #expect(failure(["useAzureTokenProxy": "true", "clientID": ""])?.field == "clientID")
    }

    @Test(arguments: [
        ["usePodIdentity": "true", "useVMManagedIdentity": "true"],
        ["usePodIdentity": "true", "useAzureTokenProxy": "1"],
        ["useVMManagedIdentity": "T", "useAzureTokenProxy": "True"],
        ["usePodIdentity": "true", "useVMManagedIdentity": "true", "useAzureTokenProxy": "true"],
    ])
    func onlyOneMode(flags: [String: String]) {
        #expect(failure(flags)?.message.hasPrefix("only one identity mode can be enabled at a time") == true)
    }

    @Test func vmManagedIdentity() throws {
        #expect(try select(["useVMManagedIdentity": "true"]) == .vmManagedIdentity(userAssignedIdentityID: nil))
        #expect(
            try select(["useVMManagedIdentity": "true", "userAssignedIdentityID": " uami "])
                == .vmManagedIdentity(userAssignedIdentityID: "uami"))
        #expect(try select(["useVMManagedIdentity": "true"]).modeName == "VM managed identity (system-assigned)")
    }

    @Test func podIdentity() throws {
        let pod = ["csi.storage.k8s.io/pod.name": "p", "csi.storage.k8s.io/pod.namespace": "ns"]
        #expect(
            try select(pod.merging(["usePodIdentity": "true"]) { $1 }) == .podIdentity(podName: "p", podNamespace: "ns")
        )
    }

    @Test(arguments: [
        ["clientid": "id", "clientsecret": "s3cret"],
        ["ClientID": "id", "ClientSecret": "s3cret"],
        ["CLIENTID": " id\n", "clientSecret": "s3cret\n", "other": "x"],
    ])
    func servicePrincipal(secrets: [String: String]) throws {
        let identity = try select(["clientID": "", Self.tokensKey: ""], secrets: secrets)
        #expect(identity == .servicePrincipal(clientID: "id", clientSecret: "s3cret"))
        #expect(identity.modeName == "service principal")
    }

    @Test(arguments: [
        ([:], "nodePublishSecretRef secret is not set"),
        ([tokensKey: bothTokens], "nodePublishSecretRef secret is not set"),
        (
            ["clientsecret": "s3cret-value"],
            "could not find clientid in nodePublishSecretRef secret (keys present: clientsecret)"
        ),
        (["clientid": "id-value", "clientsecret": "  "], "could not find clientsecret"),
        (
            ["clientid": "id-value", "ClientId": "x", "clientsecret": "s3cret-value"],
            "more than one key matching clientid"
        ),
    ])
    func servicePrincipalErrorsNeverShowValues(secrets: [String: String], message: String) {
        let found = failure(["clientID": "", Self.tokensKey: ""], secrets: secrets)
        #expect(found?.field == "nodePublishSecretRef")
        #expect(found?.message.contains(message) == true, "\(String(describing: found))")
        #expect(found?.message.contains("value") != true)
        #expect(found?.message.contains("jwt") != true)
    }
}
