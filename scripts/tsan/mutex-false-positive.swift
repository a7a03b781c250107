// Evidence for docs/RELIABILITY.md ("TSan and Mutex"): a counter touched only inside Mutex.withLock from two
// threads. `swiftc -sanitize=thread mutex-false-positive.swift` reports data races; with the shim preloaded it is clean.
import Synchronization
import Foundation

// Two threads increment a counter held in a Synchronization.Mutex. If TSan reports a race here, it is a false
// positive of Mutex on Linux (the counter is only touched inside withLock).
final class Box: Sendable {
    let state = Mutex<Int>(0)
}
let box = Box()
let iterations = 100_000
let threads = (0..<2).map { _ in
    Thread {
        for _ in 0..<iterations { box.state.withLock { $0 += 1 } }
    }
}
let done = Atomic<Int>(0)
for t in threads { t.start() }
while box.state.withLock({ $0 }) < 2 * iterations { usleep(1000) }
print("count", box.state.withLock { $0 })
