/// Why a cloud could not be resolved. The text is what users see.
public struct CloudError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
