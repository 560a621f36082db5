/// Why the provider cannot listen on its socket. The text is printed to the operator as is.
public struct EndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
