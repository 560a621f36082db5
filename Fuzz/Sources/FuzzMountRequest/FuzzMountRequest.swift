import FuzzInput
import MountPipeline
import ProviderParameters

/// Input: a MountRequest's `attributes` JSON, NUL, `secrets` JSON, NUL, `permission`; a decoded request goes on
/// to MountParameters.parse as in a mount.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMountRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let fields = input.fields(limit: 3).map(FuzzInput.text)
    let attributes = fields[0]
    let secrets = fields.count > 1 ? fields[1] : ""
    let permission = fields.count > 2 ? fields[2] : "420"
    guard
        let request = try? MountRequestDecoder.decode(
            attributes: attributes, secrets: secrets, permission: permission)
    else { return 0 }
    _ = try? MountParameters.parse(
        attributes: request.attributes, secrets: request.secrets, settings: ParameterSettings())
    return 0
}

/// SwiftPM's entry point for this executable target (see `runFuzzer`).
@_cdecl("FuzzMountRequest_main")
public func fuzzMountRequestMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzMountRequest)
}
