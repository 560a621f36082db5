import SwiftASN1

/// Runs a SwiftASN1 serialization; its untyped errors (which cannot happen for these fixed
/// structures) become a ContentError.
func derEncode(_ body: (inout DER.Serializer) throws -> Void) throws(ContentError) -> [UInt8] {
    var serializer = DER.Serializer()
    do {
        try body(&serializer)
    } catch let error as ContentError {
        throw error
    } catch {
        throw ContentError("failed to encode DER: \(error)")
    }
    return serializer.serializedBytes
}
