import FuzzInput
import ProviderParameters

/// Input: `objects` text alone (parsed with a valid set of other parameters), or
/// `key=value` lines (`secret.key=value` for NodePublish secrets), a NUL byte, then the `objects` text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParameters(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let fields = input.fields(limit: 2)
    var attributes: [String: String] = [:]
    var secrets: [String: String] = [:]
    let objects: String
    if fields.count == 1 {
        attributes = [
            "keyvaultName": "kv", "tenantID": "tenant", "csi.storage.k8s.io/pod.name": "pod",
            "csi.storage.k8s.io/pod.namespace": "default", "useVMManagedIdentity": "true",
        ]
        objects = FuzzInput.text(fields[0])
    } else {
        for line in FuzzInput.text(fields[0]).split(separator: "\n", omittingEmptySubsequences: true) {
            let pair = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            if key.hasPrefix("secret.") {
                secrets[String(key.dropFirst("secret.".count))] = value
            } else {
                attributes[key] = value
            }
        }
        objects = FuzzInput.text(fields[1])
    }
    attributes["objects"] = objects
    _ = try? ObjectList.parse(objects)
    _ = try? MountParameters.parse(attributes: attributes, secrets: secrets, settings: ParameterSettings())
    return 0
}

/// SwiftPM's entry point for this executable target (see `runFuzzer`).
@_cdecl("FuzzParameters_main")
public func fuzzParametersMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzParameters)
}
