/// The pool's queue of work: first in, first out, with retried work put back at the front.
struct PoolQueue: Sendable {
    private var storage: [PoolWork] = []
    private var head = 0

    var count: Int { storage.count - head }
    var isEmpty: Bool { head == storage.count }
    /// The number of jobs (not works) waiting.
    var jobCount: Int { storage[head...].reduce(0) { $0 + $1.payloads.count } }

    mutating func append(_ work: PoolWork) {
        storage.append(work)
    }

    mutating func prepend(_ work: PoolWork) {
        if head > 0 {
            head -= 1
            storage[head] = work
        } else {
            storage.insert(work, at: 0)
        }
    }

    mutating func popFirst() -> PoolWork? {
        guard head < storage.count else { return nil }
        let work = storage[head]
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return work
    }

    /// Removes the work with `id`, if it is here.
    mutating func remove(id: UInt64) -> PoolWork? {
        guard let index = storage[head...].firstIndex(where: { $0.id == id }) else { return nil }
        return storage.remove(at: index)
    }

    /// Removes and returns everything.
    mutating func removeAll() -> [PoolWork] {
        defer {
            storage.removeAll()
            head = 0
        }
        return Array(storage[head...])
    }
}
