import ProviderParameters

extension KeyVaultObject {
    /// `objectType:secret, objectName:x, objectVersion:v`, as the Go provider names objects in errors.
    func describedForErrors(version: String) -> String {
        "objectType:\(type.rawValue), objectName:\(name), objectVersion:\(version)"
    }
}
