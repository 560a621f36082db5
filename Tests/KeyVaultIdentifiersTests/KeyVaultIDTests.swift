import KeyVaultIdentifiers
import Testing

/// Object ids read as the Azure SDK for Go reads them, and the collections of the object types.
@Suite struct KeyVaultIDTests {
    @Test(arguments: [
        ("https://kv.vault.azure.net/secrets/app/2298825ff3ebcc9c4013995b47ca7ce8", "2298825ff3ebcc9c4013995b47ca7ce8"),
        ("https://kv.vault.azure.net:443/keys/k/abc?api-version=7.4", "abc"),
        ("https://kv.vault.azure.net/certificates/c/v1/extra", "v1"),
        ("https://kv.vault.azure.net/secrets/app", ""),
        ("https://kv.vault.azure.net/secrets/app/", ""),
        ("", ""),
    ])
    func objectVersionIsTheThirdPathSegment(_ id: String, _ version: String) {
        #expect(KeyVaultID(parsing: id).version == version)
    }

    @Test func partsOfAKeyID() {
        let id = KeyVaultID(parsing: "https://kv.vault.azure.net/keys/signing-key/0a1b2c")
        #expect(id == KeyVaultID(parsing: "https://kv.vault.azure.net:443/keys/signing-key/0a1b2c"))
        #expect([id.collection, id.name, id.version] == ["keys", "signing-key", "0a1b2c"])
    }

    @Test func eachObjectTypeHasItsCollection() {
        #expect(ObjectType.allCases.map(\.collection) == ["secrets", "keys", "certificates"])
        #expect(ObjectType.allCases.map(\.rawValue) == ["secret", "key", "cert"])
    }
}
