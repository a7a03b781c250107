/// The reactor's timers: a binary min-heap of deadlines with removal by identifier.
///
/// Removal is lazy: a cancelled timer leaves its heap entry behind until it reaches the top or the heap is
/// rebuilt (when stale entries outnumber live ones), so cancelling is O(1) and memory stays bounded by twice
/// the live timers.
struct TimerQueue {
    typealias Action = @Sendable () -> Void

    private struct Entry {
        var deadline: Int64
        var id: UInt64
    }

    private var heap: [Entry] = []
    private var actions: [UInt64: Action] = [:]
    private var nextID: UInt64 = 1

    /// The earliest live deadline, if any.
    mutating func earliestDeadline() -> Int64? {
        dropStaleTop()
        return heap.first?.deadline
    }

    /// Adds a timer and returns its identifier.
    mutating func schedule(at deadline: Int64, _ action: @escaping Action) -> UInt64 {
        let id = nextID
        nextID += 1
        actions[id] = action
        push(Entry(deadline: deadline, id: id))
        return id
    }

    /// Cancels a timer; returns whether it was still pending.
    @discardableResult
    mutating func cancel(_ id: UInt64) -> Bool {
        guard actions.removeValue(forKey: id) != nil else { return false }
        if heap.count > 64, heap.count > actions.count * 2 { rebuild() }
        return true
    }

    /// Removes and returns the actions of every timer due at `now`.
    mutating func popExpired(now: Int64) -> [Action] {
        var due: [Action] = []
        while let top = heap.first, top.deadline <= now {
            popTop()
            if let action = actions.removeValue(forKey: top.id) { due.append(action) }
        }
        return due
    }

    private mutating func dropStaleTop() {
        while let top = heap.first, actions[top.id] == nil { popTop() }
    }

    private mutating func rebuild() {
        heap = heap.filter { actions[$0.id] != nil }
        var index = heap.count / 2 - 1
        while index >= 0 {
            siftDown(index)
            index -= 1
        }
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
