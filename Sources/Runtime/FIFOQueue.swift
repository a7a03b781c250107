/// A first-in first-out queue over an array with a moving head; amortised O(1) at both ends.
///
/// Small on purpose: the waiter queues of locks hold a handful of entries, and removal from the middle
/// (a waiter that timed out or was cancelled) is a linear scan that leaves a hole the head skips.
package struct FIFOQueue<Element> {
    private var storage: [Element?] = []
    private var head = 0
    package private(set) var count = 0

    package init() {}

    package var isEmpty: Bool { count == 0 }

    package mutating func append(_ element: Element) {
        storage.append(element)
        count += 1
    }

    package mutating func popFirst() -> Element? {
        skipHoles()
        guard head < storage.count, let element = storage[head] else { return nil }
        storage[head] = nil
        head += 1
        count -= 1
        skipHoles()
        return element
    }

    /// Removes and returns the first element that matches `predicate`.
    package mutating func remove(where predicate: (Element) -> Bool) -> Element? {
        for index in head..<storage.count {
            if let element = storage[index], predicate(element) {
                storage[index] = nil
                count -= 1
                skipHoles()
                return element
            }
        }
        return nil
    }

    /// Puts `elements` in front of the queue, keeping their order.
    package mutating func prepend(contentsOf elements: [Element]) {
        guard !elements.isEmpty else { return }
        storage = elements.map { Optional($0) } + storage[head...]
        head = 0
        count += elements.count
    }

    private mutating func skipHoles() {
        while head < storage.count, storage[head] == nil { head += 1 }
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 32, head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }
}
