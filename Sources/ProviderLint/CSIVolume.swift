import Yams

/// A `secrets-store.csi.k8s.io` volume of a Pod or of a workload's pod template.
struct CSIVolume {
    var document: ManifestDocument
    /// e.g. `spec.template.spec.volumes[0]`.
    var path: String
    var line: Int?
    var className: String?
    var hasNodePublishSecretRef: Bool
}
