import Synchronization

/// One `RequestGate` per destination (a vault's base URL), each with the same limit, made on first use and
/// kept for the life of the process (a node talks to a handful of vaults).
public final class RequestGates: Sendable {
    public let limit: Int
    private let gates = Mutex<[String: RequestGate]>([:])

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    public func gate(for destination: String) -> RequestGate {
        gates.withLock { gates in
            if let gate = gates[destination] { return gate }
            let gate = RequestGate(limit: limit)
            gates[destination] = gate
            return gate
        }
    }
}
