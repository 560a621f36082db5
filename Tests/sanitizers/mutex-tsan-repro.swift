// Not part of any target: shows ThreadSanitizer's false positive on Synchronization.Mutex under contention on Linux
// (tsan-suppressions.txt). Every access is inside `withLock` and no update is lost (it prints 160000), yet
//     swiftc -sanitize=thread -g Tests/sanitizers/mutex-tsan-repro.swift -o /tmp/repro && /tmp/repro
// reports "Swift access race" in the `withLock` closures: a contended lock is taken in _MutexHandle._lockSlow
// and given back in _unlockSlow, inside the uninstrumented libswiftSynchronization.so.

import Dispatch
import Synchronization

struct State {
    var inFlight = 0
    var waiters: [Int] = []
}

final class Gate: Sendable {
    let state = Mutex(State())

    func enter() {
        state.withLock {
            $0.inFlight += 1
            $0.waiters.append(1)
        }
    }

    func leave() {
        state.withLock { state in
            if state.waiters.isEmpty { state.inFlight -= 1 } else { state.waiters.removeFirst() }
        }
    }
}

let gate = Gate()
DispatchQueue.concurrentPerform(iterations: 8) { _ in
    for _ in 0..<20000 {
        gate.enter()
        gate.leave()
    }
}
print(gate.state.withLock { $0.inFlight })
