import Foundation
import MountPipeline
import Testing

@testable import Provider

/// The table `mount` prints and the report of a failed mount: names, sizes, ids, hints; never a value.
@Suite struct MountOutputTests {
    @Test func theTableListsFilesWithoutTheirContents() {
        let result = MountResult(
            files: [
                MountedFile(path: "db-password", mode: 0o644, contents: Array("s3cr3t-Pa55w0rd!".utf8)),
                MountedFile(path: "config/history/0", mode: 0o600, contents: Array("older value".utf8)),
            ],
            objectVersions: [
                ObjectVersion(id: "secret/db-password", version: "f11d658e32982b50332d2899551a58ec"),
                ObjectVersion(id: "secret/app-secret/0", version: "2298825ff3ebcc9c4013995b47ca7ce8"),
            ])
        #expect(
            MountFileTable.render(result) == """
                PATH              MODE  SIZE  OBJECT ID            VERSION
                db-password       0644    16  secret/db-password   f11d658e32982b50332d2899551a58ec
                config/history/0  0600    11  secret/app-secret/0  2298825ff3ebcc9c4013995b47ca7ce8
                2 files, 27 bytes

                """)
        #expect(!MountFileTable.render(result).contains("s3cr3t"))
    }

    @Test(arguments: [(Int32(0o644), "0644"), (0o400, "0400"), (0, "0000"), (0o777, "0777")])
    func modesAreOctal(mode: Int32, text: String) { #expect(MountFileTable.octal(mode) == text) }

    static func forbidden(_ type: String, _ collection: String) -> String {
        "failed to get objectType:\(type), objectName:x, objectVersion:: status 403, code Forbidden (AccessDenied): The"
            + " user, group or application 'appid=1;oid=2' does not have \(collection) get permission on key vault"
            + " 'kv;location=eastus'."
    }

    @Test(arguments: [
        ("secret", "secrets", "Key Vault Secrets User"), ("key", "keys", "Key Vault Crypto User"),
        ("cert", "certificates", "Key Vault Certificate User"),
    ])
    func forbiddenNamesTheRoleForTheObjectType(type: String, collection: String, role: String) {
        let error = MountError(.permissionDenied, Self.forbidden(type, collection))
        #expect(
            MountFailureReport.render(error) == """
                failed to mount objects, error: \(error.message)
                hint: the identity lacks get permission on \(collection) in this vault: grant it the RBAC role "\(role)" \
                on the vault, or get on \(collection) in the vault's access policy

                """)
    }

    @Test func aDisabledObjectIsNotAPermissionProblem() throws {
        let error = MountError(
            .permissionDenied,
            "failed to get objectType:secret, objectName:x, objectVersion:: status 403, code Forbidden (SecretDisabled):"
                + " Operation get is not allowed on a disabled secret.")
        #expect(try #require(MountFailureReport.hint(for: error)).hasPrefix("the object (or that version) is disabled"))
    }

    @Test func notFoundPointsAtTheNameVersionAndVault() throws {
        let error = MountError(
            .notFound,
            "failed to get objectType:secret, objectName:nope, objectVersion:: status 404, code SecretNotFound: A secret"
                + " with (name/id) nope was not found in this key vault.")
        #expect(
            MountFailureReport.hint(for: error)
                == "check objectName, objectType and objectVersion against the vault named in keyvaultName (and"
                + " cloudName): Key Vault has no such object or version")
    }

    @Test func aMissingWorkloadIdentityTokenAsksForTheFlag() throws {
        let error = MountError(
            .invalidArgument,
            "csi.storage.k8s.io/serviceAccount.tokens: service account tokens not found: workload identity (clientID is"
                + " set) needs a token for audience api://AzureADTokenExchange; add audience ...")
        #expect(try #require(MountFailureReport.hint(for: error)).contains("pass --service-account-token FILE"))
    }

    @Test func aMissingServicePrincipalAsksForClientFlags() throws {
        let error = MountError(
            .invalidArgument, "nodePublishSecretRef: failed to get credentials, nodePublishSecretRef secret is not set")
        #expect(try #require(MountFailureReport.hint(for: error)).contains("--client-id ID and --client-secret-file"))
    }

    @Test func aFederatedCredentialMismatchIsNamed() throws {
        let error = MountError(
            .unauthenticated,
            "failed to get objectType:secret, objectName:x, objectVersion:: WorkloadIdentityCredential authentication"
                + " failed: POST https://login.microsoftonline.com/t/oauth2/v2.0/token: status 400, error:"
                + " invalid_request, AADSTS700213: No matching federated identity record found for presented assertion"
                + " subject")
        let hint = try #require(MountFailureReport.hint(for: error))
        #expect(hint.contains("AADSTS700213") && hint.contains("federated credential"))
    }

    @Test func aWrongClientSecretIsNamed() throws {
        let error = MountError(
            .unauthenticated, "... status 401, error: invalid_client, AADSTS7000215: Invalid client secret")
        #expect(try #require(MountFailureReport.hint(for: error)).hasPrefix("the client secret is wrong or expired"))
    }

    @Test func managedIdentityFromAWorkstationNamesIMDS() throws {
        let error = MountError(
            .unavailable,
            "failed to get objectType:secret, objectName:x, objectVersion:: ManagedIdentityCredential: GET"
                + " http://169.254.169.254/metadata/identity/oauth2/token: connection refused (after 3 attempts)")
        #expect(try #require(MountFailureReport.hint(for: error)).contains("answers only on an Azure VM"))
        let timeout = MountError(.deadlineExceeded, "failed to get objectType:secret, ...: Key Vault read timed out")
        #expect(try #require(MountFailureReport.hint(for: timeout)).contains("raise --mount-timeout"))
    }

    @Test func otherInvalidClassesGetNoGuess() {
        #expect(MountFailureReport.hint(for: MountError(.invalidArgument, "keyvaultName is not provided")) == nil)
        #expect(
            MountFailureReport.render(MountError(.invalidArgument, "keyvaultName is not provided"))
                == "failed to mount objects, error: keyvaultName is not provided\n")
    }
}
