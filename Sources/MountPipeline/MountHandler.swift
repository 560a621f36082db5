/// What the gRPC service calls: `KeyVaultMounter` in the provider, a scripted handler in the server's tests.
public protocol MountHandler: Sendable {
    func mount(_ input: MountInput) async throws(MountError) -> MountResult
}
