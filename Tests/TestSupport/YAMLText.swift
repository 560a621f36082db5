import Foundation
import Synchronization
import Testing

/// "Billion laughs": ten levels of ten aliases each. Used as a mapping key, composing it hashes 10^9 nodes.
public func billionLaughs(indent: String = "") -> String {
    var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in 1...9 {
        let aliases = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
        lines.append("a\(level): &a\(level) [\(aliases)]")
    }
    lines.append("*a9 : x")
    return lines.map { indent + $0 + "\n" }.joined()
}

/// Runs `work` on its own thread and waits at most `seconds`, so a regression fails the test instead of hanging
/// the suite (the stuck thread spins until the test process exits).
public func finishing<T: Sendable>(within seconds: Double, _ work: @escaping @Sendable () -> T) -> T? {
    let result = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    Thread {
        let value = work()
        result.withLock { $0 = value }
        done.signal()
    }.start()
    guard done.wait(timeout: .now() + seconds) == .success else {
        Issue.record("did not finish within \(seconds) s")
        return nil
    }
    return result.withLock { $0 }
}

/// The `objects` parameter holding the given entries, each a YAML document in a `- |` block, as classes write it.
public func objectsYAML(_ entries: String...) -> String {
    "array:\n"
        + entries.map { entry in
            "  - |\n"
                + entry.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
                .joined(separator: "\n") + "\n"
        }.joined()
}
