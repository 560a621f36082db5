import Foundation

extension AzureEnvironment {
    /// Reads an AzureStackCloud environment file (go-autorest `Environment` JSON). Only the three fields the
    /// provider uses are required; the others are ignored. The caller reads the file per mount, so two
    /// classes with different files never share state.
    public static func fromEnvironmentFile(_ data: Data, path: String) throws(CloudError) -> AzureEnvironment {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw CloudError("cloudEnvFileName \(path) is not valid JSON: \(error.localizedDescription)")
        }
        guard let fields = object as? [String: Any] else {
            throw CloudError("cloudEnvFileName \(path) must hold a JSON object")
        }
        func required(_ key: String) throws(CloudError) -> String {
            guard let value = fields[key] as? String, !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw CloudError("cloudEnvFileName \(path) does not set \(key)")
            }
            return value.trimmingCharacters(in: .whitespaces)
        }
        let authority = try required("activeDirectoryEndpoint")
        let keyVaultEndpoint = try required("keyVaultEndpoint")
        let suffix = try required("keyVaultDNSSuffix")
        for (key, value) in [("activeDirectoryEndpoint", authority), ("keyVaultEndpoint", keyVaultEndpoint)] {
            guard let url = URL(string: value), url.scheme == "https", url.host != nil else {
                throw CloudError("cloudEnvFileName \(path): \(key) must be an https URL, got \"\(value)\"")
            }
        }
        return AzureEnvironment(
            name: (fields["name"] as? String) ?? CloudName.azureStackCloud.rawValue,
            activeDirectoryEndpoint: authority.hasSuffix("/") ? authority : authority + "/",
            keyVaultEndpoint: keyVaultEndpoint.hasSuffix("/") ? keyVaultEndpoint : keyVaultEndpoint + "/",
            keyVaultDNSSuffix: suffix.hasPrefix(".") ? String(suffix.dropFirst()) : suffix)
    }
}
