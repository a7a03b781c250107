/// A first-in first-out queue over an array with a moving head; amortised O(1) at both ends.
///
/// Small on purpose: the waiter queues of locks hold a handful of entries, and removal from the middle
/// (a waiter that timed out or was cancelled) is a linear scan that leaves a hole the head skips.
///
/// Public and inlinable, unlike the rest of this module's API: only then does a release build specialise it in the
/// modules that use it (an inlinable `package` declaration is not), so that a hot path (a send's hand-over) asks
/// nothing of the runtime's generic metadata caches. No product exports this module.
public struct FIFOQueue<Element> {
    @usableFromInline var storage: [Element?] = []
    @usableFromInline var head = 0
    @usableFromInline var queued = 0

    @inlinable public init() {}

    @inlinable public var count: Int { queued }

    @inlinable public var isEmpty: Bool { queued == 0 }

    @inlinable public mutating func append(_ element: Element) {
        storage.append(element)
        queued += 1
    }

    @inlinable public mutating func popFirst() -> Element? {
        skipHoles()
        guard head < storage.count, let element = storage[head] else { return nil }
        storage[head] = nil
        head += 1
        queued -= 1
        skipHoles()
        return element
    }

    /// Removes and returns the first element that matches `predicate`.
    @inlinable public mutating func remove(where predicate: (Element) -> Bool) -> Element? {
        for index in head..<storage.count {
            if let element = storage[index], predicate(element) {
                storage[index] = nil
                queued -= 1
                skipHoles()
                return element
            }
        }
        return nil
    }

    /// Puts `elements` in front of the queue, keeping their order.
    @inlinable public mutating func prepend(contentsOf elements: [Element]) {
        guard !elements.isEmpty else { return }
        storage = elements.map { Optional($0) } + storage[head...]
        head = 0
        queued += elements.count
    }

    @inlinable mutating func skipHoles() {
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
