import Foundation
import Testing

/// Reads the fixtures copied into the test bundle (`.copy("Fixtures")`).
enum Fixtures {
    static let root: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }

    static func text(_ relativePath: String) throws -> String {
        String(decoding: try bytes(relativePath), as: UTF8.self)
    }

    static func json(_ relativePath: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(try bytes(relativePath)))
    }
}
