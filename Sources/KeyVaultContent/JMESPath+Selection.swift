import Foundation
import ProviderParameters

extension JMESPath {
    /// The value the path selects in a secret's JSON text: a string as its text, anything else as compact JSON
    /// (object keys sorted, so the bytes do not change between mounts). Errors name the path and what was wrong,
    /// never the value.
    public func value(inJSON text: String) throws(ContentError) -> [UInt8] {
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw ContentError("jmesPath \(self): the secret is not JSON")
        }
        var current: Any = document
        for step in steps {
            switch step {
            case .field(let name):
                guard let object = current as? [String: Any], let next = object[name] else {
                    throw ContentError("jmesPath \(self) selects nothing in the secret's JSON")
                }
                current = next
            case .index(let index):
                guard let array = current as? [Any], (-array.count..<array.count).contains(index) else {
                    throw ContentError("jmesPath \(self) selects nothing in the secret's JSON")
                }
                current = array[index < 0 ? array.count + index : index]
            }
        }
        if current is NSNull { throw ContentError("jmesPath \(self) selects null in the secret's JSON") }
        if let string = current as? String { return Array(string.utf8) }
        do {
            return Array(
                try JSONSerialization.data(
                    withJSONObject: current, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes]))
        } catch {
            throw ContentError("jmesPath \(self) selects a value that cannot be written as JSON")
        }
    }
}
