/// A JSON path in the subset of JMESPath this provider reads: dotted identifiers (`db.user`), quoted
/// identifiers for other keys (`"db-config".host`) and array indices (`hosts[0]`, `hosts[-1]` from the end).
/// Anything else (filters, projections, functions) is refused while the class is read.
public struct JMESPath: Sendable, Equatable, CustomStringConvertible {
    public enum Step: Sendable, Equatable {
        case field(String)
        case index(Int)
    }

    public var steps: [Step]
    public var description: String

    /// `nil` and why, when the text is not in the subset.
    public init(parsing text: String) throws(JMESPathError) {
        var steps: [Step] = []
        var rest = Substring(text)
        var expectsField = true
        while !rest.isEmpty {
            if rest.first == "[" {
                let close = rest.firstIndex(of: "]") ?? rest.endIndex
                guard close < rest.endIndex, let index = Int(rest[rest.index(after: rest.startIndex)..<close]) else {
                    throw JMESPathError("an index must be a whole number in brackets, e.g. [0]")
                }
                steps.append(.index(index))
                rest = rest[rest.index(after: close)...]
                expectsField = false
                continue
            }
            if !expectsField {
                guard rest.first == "." else {
                    throw JMESPathError("expected . or [ after \"\(text.prefix(text.count - rest.count))\"")
                }
                rest = rest.dropFirst()
            }
            if rest.first == "\"" {
                let (name, after) = try Self.quoted(rest)
                steps.append(.field(name))
                rest = after
            } else {
                let name = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
                guard let first = name.first, !first.isNumber else {
                    throw JMESPathError(
                        "only identifiers, \"quoted identifiers\" and [indices] are supported (no filters,"
                            + " projections or functions)")
                }
                steps.append(.field(String(name)))
                rest = rest.dropFirst(name.count)
            }
            expectsField = false
        }
        guard !steps.isEmpty else { throw JMESPathError("the path is empty") }
        self.steps = steps
        self.description = text
    }

    /// A JSON string in double quotes, with `\"` and `\\` escapes.
    private static func quoted(_ text: Substring) throws(JMESPathError) -> (String, Substring) {
        var name = ""
        var rest = text.dropFirst()
        while let character = rest.first {
            rest = rest.dropFirst()
            switch character {
            case "\"": return (name, rest)
            case "\\":
                guard let escaped = rest.first, escaped == "\"" || escaped == "\\" else {
                    throw JMESPathError("in a quoted identifier only \\\" and \\\\ are escapes")
                }
                name.append(escaped)
                rest = rest.dropFirst()
            default: name.append(character)
            }
        }
        throw JMESPathError("a quoted identifier is not closed")
    }
}

/// Why a `jmesPath` path is not in the supported subset.
public struct JMESPathError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// One `jmesPath` entry of an object: a value picked out of the secret's JSON, written to its own file.
public struct JMESPathEntry: Sendable, Equatable {
    public var path: JMESPath
    /// The file the value is written to.
    public var alias: String
    /// `nil` = the object's permission.
    public var filePermission: Int32?

    public init(path: JMESPath, alias: String, filePermission: Int32? = nil) {
        self.path = path
        self.alias = alias
        self.filePermission = filePermission
    }
}
