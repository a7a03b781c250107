extension MessagePackBytes {
    /// Walks the whole item starting at `start` without recursion and returns the offset after it.
    ///
    /// This is the gate every payload passes before decoding: afterwards every header, payload length and
    /// container count inside the item is known to be in bounds, and the nesting is known to be within `maxDepth`.
    ///
    /// - Throws: `truncated`, `malformed`, `countExceedsInput` (a container announcing more elements than the bytes
    ///   left could hold, checked before anything is allocated), `depthLimitExceeded`.
    ///
    /// `depth` is the nesting level the item stands at (0 for a whole payload; containers at level `maxDepth` or
    /// deeper are refused).
    func validate(at start: Int, maxDepth: Int, depth: Int = 0) throws(CodecError) -> Int {
        // The stack of enclosing containers holds at most one entry per level and per byte: on the stack, not the
        // heap, for the usual limits.
        let capacity = min(max(maxDepth - depth, 0), count) + 1
        return try withUnsafeTemporaryAllocation(of: Int.self, capacity: capacity) { stack throws(CodecError) in
            try validate(at: start, maxDepth: maxDepth, level: depth, stack: stack)
        }
    }

    private func validate(
        at start: Int, maxDepth: Int, level: Int, stack enclosing: UnsafeMutableBufferPointer<Int>
    ) throws(CodecError) -> Int {
        var offset = start
        var remaining = 1
        var depth = level
        while true {
            while remaining == 0 {
                guard depth > level else { return offset }
                depth -= 1
                remaining = enclosing[depth - level]
            }
            let header = try header(at: offset)
            remaining -= 1
            switch header.kind {
            case .array, .map:
                let (items, overflow) = Int(header.bits).multipliedReportingOverflow(by: header.kind == .map ? 2 : 1)
                guard !overflow, items <= count - header.payload else {
                    throw error(
                        .countExceedsInput,
                        "a container declares \(header.bits) elements but only \(count - header.payload) bytes remain",
                        at: offset)
                }
                guard depth < maxDepth else {
                    throw error(.depthLimitExceeded, "nesting is deeper than the limit of \(maxDepth)", at: offset)
                }
                if items > 0 {
                    enclosing[depth - level] = remaining
                    depth += 1
                    remaining = items
                }
                offset = header.payload
            default:
                offset = header.next
            }
        }
    }

    /// Returns the offset after the item at `start`, for a payload that ``validate(at:maxDepth:depth:)`` accepted.
    func skip(at start: Int) throws(CodecError) -> Int {
        var offset = start
        var pending = 1
        while pending > 0 {
            let header = try header(at: offset)
            pending -= 1
            switch header.kind {
            case .array: pending += Int(header.bits)
            case .map: pending += Int(header.bits) * 2
            default: break
            }
            offset = header.next
        }
        return offset
    }
}
