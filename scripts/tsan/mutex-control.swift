// Control for the shim: the Mutex counter must not be reported, the unguarded variable written by two threads
// that never touch the mutex must be, with or without scripts/tsan/mutex_tsan_shim.c preloaded.
import Synchronization
import Foundation

// Control: the Mutex counter is fine; `unguarded` is a real race that TSan must still report with the shim.
final class Box: @unchecked Sendable {
    let state = Mutex<Int>(0)
    var unguarded = 0
}
let box = Box()
let threads = (0..<2).map { _ in
    Thread {
        for _ in 0..<100_000 {
            box.state.withLock { $0 += 1 }
        }
    }
}
// The real race: two threads that never touch the mutex write the same variable.
let racers = (0..<2).map { _ in Thread { for _ in 0..<1000 { box.unguarded += 1; usleep(10) } } }
for t in threads + racers { t.start() }
while box.state.withLock({ $0 }) < 200_000 { usleep(1000) }
usleep(100_000)
print("count", box.state.withLock { $0 })
