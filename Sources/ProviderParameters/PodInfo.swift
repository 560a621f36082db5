/// The pod a mount is for, from the driver's `csi.storage.k8s.io/...` attributes (`podInfoOnMount`).
public struct PodInfo: Sendable, Equatable {
    public var name: String
    public var namespace: String

    public init(name: String, namespace: String) {
        self.name = name
        self.namespace = namespace
    }
}
