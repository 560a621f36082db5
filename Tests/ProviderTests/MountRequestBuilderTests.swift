import Foundation
import MountPipeline
import ProviderParameters
import Testing

@testable import Provider

/// The Mount request `mount` builds is the one the driver would send for that class and pod.
@Suite struct MountRequestBuilderTests {
    static let manifest = SecretProviderClassManifest(
        name: "app-secrets", namespace: nil,
        parameters: ["keyvaultName": "kv-demo", "tenantID": "tenant-1", "objects": "array: []"])

    static func decoded(_ builder: MountRequestBuilder) throws -> DecodedMountRequest {
        let input = builder.input
        return try MountRequestDecoder.decode(
            attributes: input.attributes, secrets: input.secrets, permission: input.permission)
    }

    /// An unsigned JWT whose payload is `claims` (the provider reads `exp` only).
    static func jwt(_ claims: String) -> String {
        func segment(_ text: String) -> String {
            Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        return segment(#"{"alg":"RS256"}"#) + "." + segment(claims) + ".c2ln"
    }

    @Test func classParametersPlusThePodAttributesTheDriverAdds() throws {
        let builder = MountRequestBuilder(
            manifest: Self.manifest, pod: PodInfo(name: "mount-cli", namespace: "default"), identity: .none)
        let request = try Self.decoded(builder)
        #expect(
            request.attributes == [
                "keyvaultName": "kv-demo", "tenantID": "tenant-1", "objects": "array: []",
                "csi.storage.k8s.io/pod.name": "mount-cli", "csi.storage.k8s.io/pod.namespace": "default",
                "secretProviderClass": "app-secrets",
            ])
        #expect(request.secrets.isEmpty)
        #expect(builder.input.secrets == "null")
        #expect(builder.input.permission == "420")
        #expect(request.defaultFileMode == 0o644)
    }

    @Test func theDriversPodAttributesWinOverTheClassParameters() throws {
        var manifest = Self.manifest
        manifest.parameters["csi.storage.k8s.io/pod.name"] = "from-class"
        let builder = MountRequestBuilder(manifest: manifest, pod: PodInfo(name: "p", namespace: "n"), identity: .none)
        #expect(try Self.decoded(builder).attributes["csi.storage.k8s.io/pod.name"] == "p")
    }

    @Test func aServiceAccountTokenBecomesTheDriversTokensAttributeWithItsExpiry() throws {
        let token = Self.jwt(#"{"exp":1798761600,"sub":"system:serviceaccount:default:workload-sa"}"#)
        let builder = MountRequestBuilder(
            manifest: Self.manifest, pod: PodInfo(name: "p", namespace: "n"), identity: .serviceAccountToken(token))
        let attribute = try #require(try Self.decoded(builder).attributes["csi.storage.k8s.io/serviceAccount.tokens"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(attribute.utf8)) as? [String: Any])
        let entry = try #require(object["api://AzureADTokenExchange"] as? [String: String])
        #expect(entry == ["token": token, "expirationTimestamp": "2027-01-01T00:00:00Z"])
        #expect(object.count == 1)
    }

    /// A class with `useAzureTokenProxy` reads identity binding's audience: the token goes there instead.
    @Test(arguments: [
        ("true", "api://AKSIdentityBinding"), (" 1 ", "api://AKSIdentityBinding"),
        ("false", "api://AzureADTokenExchange"), ("maybe", "api://AzureADTokenExchange"),
    ])
    func theTokenGoesToTheAudienceTheClassReads(flag: String, audience: String) throws {
        var manifest = Self.manifest
        manifest.parameters["useAzureTokenProxy"] = flag
        let builder = MountRequestBuilder(
            manifest: manifest, pod: PodInfo(name: "p", namespace: "n"), identity: .serviceAccountToken("not-a-jwt"))
        #expect(
            try Self.decoded(builder).attributes["csi.storage.k8s.io/serviceAccount.tokens"]
                == #"{"\#(audience)":{"token":"not-a-jwt"}}"#)
    }

    @Test func aTokenWithoutReadableExpiryHasNoTimestamp() {
        #expect(
            MountRequestBuilder.tokensAttribute(token: "not-a-jwt")
                == #"{"api://AzureADTokenExchange":{"token":"not-a-jwt"}}"#)
    }

    @Test func aServicePrincipalBecomesTheNodePublishSecret() throws {
        let builder = MountRequestBuilder(
            manifest: Self.manifest, pod: PodInfo(name: "p", namespace: "n"),
            identity: .servicePrincipal(clientID: "client-1", clientSecret: "s3cret"))
        let request = try Self.decoded(builder)
        #expect(request.secrets == ["clientid": "client-1", "clientsecret": "s3cret"])
        #expect(request.attributes["csi.storage.k8s.io/serviceAccount.tokens"] == nil)
    }

    @Test func theRequestParsesAsTheMountWouldParseIt() throws {
        var manifest = Self.manifest
        manifest.parameters["objects"] = "array:\n  - |\n    objectName: db\n    objectType: secret\n"
        let builder = MountRequestBuilder(
            manifest: manifest, pod: PodInfo(name: "mount-cli", namespace: "default"),
            identity: .servicePrincipal(clientID: "client-1", clientSecret: "s3cret"))
        let request = try Self.decoded(builder)
        let parameters = try MountParameters.parse(
            attributes: request.attributes, secrets: request.secrets, settings: ParameterSettings())
        #expect(parameters.identity == .servicePrincipal(clientID: "client-1", clientSecret: "s3cret"))
        #expect(parameters.pod == PodInfo(name: "mount-cli", namespace: "default"))
        #expect(parameters.className == "app-secrets")
        #expect(parameters.objects.map(\.name) == ["db"])
    }
}
