/// A first-in first-out queue of at most `limit` elements: appending to a full queue drops the oldest element.
///
/// Storage grows as elements arrive, up to `limit`, so a large limit costs nothing until it is used.
struct RingBuffer<Element> {
    /// The most elements kept (0: none).
    let limit: Int
    private var storage: [Element?] = []
    private var head = 0
    private(set) var count = 0

    init(limit: Int) { self.limit = max(0, limit) }

    var isEmpty: Bool { count == 0 }

    /// Adds `element` at the end.
    /// - Returns: whether an element was dropped to make room (always, when ``limit`` is 0).
    @discardableResult
    mutating func append(_ element: Element) -> Bool {
        guard limit > 0 else { return true }
        if count == limit {
            storage[(head + count) % storage.count] = element
            head = (head + 1) % storage.count
            return true
        }
        if count == storage.count { grow() }
        storage[(head + count) % storage.count] = element
        count += 1
        return false
    }

    /// Removes and returns the oldest element.
    mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        let element = storage[head]
        storage[head] = nil
        head = (head + 1) % storage.count
        count -= 1
        return element
    }

    /// The elements, oldest first.
    var elements: [Element] {
        (0..<count).map { storage[(head + $0) % storage.count]! }
    }

    /// Doubles the storage (at most to ``limit``), putting the elements in order from index 0.
    private mutating func grow() {
        let capacity = min(limit, max(16, storage.count * 2))
        var larger: [Element?] = elements
        larger.append(contentsOf: repeatElement(nil, count: capacity - count))
        storage = larger
        head = 0
    }
}
