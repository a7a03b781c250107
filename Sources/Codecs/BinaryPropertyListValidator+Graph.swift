extension BinaryPropertyListValidator {
    /// A container on the path from the top object to the one being visited.
    private struct Frame {
        var object: Int
        var refsStart: Int
        var refCount: Int
        var keyCount: Int
        var next = 0
        var units = DecodeLimits.bytesPerValue
        var height = 1
    }

    /// Visits every object reachable from the top once, depth first with an explicit stack, and checks cycles,
    /// nesting and expansion (see the type's documentation).
    func walk(_ trailer: Trailer) throws(CodecError) {
        let count = trailer.objectCount
        // 0: not seen; 1: on the current path; 2: done, with its units (estimated decoded bytes, every reference
        // counted each time it is used) and height known.
        var state = [UInt8](repeating: 0, count: count)
        var units = [Int](repeating: 0, count: count)
        var heights = [Int](repeating: 0, count: count)
        let maxUnits = limits.maxExpandedSize(inputCount: bytes.count)
        var path: [Frame] = []

        func add(units childUnits: Int, height childHeight: Int) throws(CodecError) {
            guard let last = path.indices.last else { return }
            let (sum, overflow) = path[last].units.addingReportingOverflow(childUnits)
            guard !overflow, sum <= maxUnits else {
                throw expansionFailure(limit: maxUnits)
            }
            path[last].units = sum
            path[last].height = max(path[last].height, childHeight + 1)
            guard path.count - 1 + path[last].height <= limits.maxDepth else {
                throw failure(.depthLimitExceeded, "nesting is deeper than the limit of \(limits.maxDepth)")
            }
        }

        /// Starts visiting `object`: pushes a container, or finishes a scalar at once.
        func visit(_ object: Int) throws(CodecError) {
            let at = try offset(of: object, trailer)
            let parsed = try parse(at: at, trailer)
            switch parsed.marker >> 4 {
            case 0xA, 0xD:
                guard path.count < limits.maxDepth else {
                    throw failure(.depthLimitExceeded, "nesting is deeper than the limit of \(limits.maxDepth)", at: at)
                }
                let isDictionary = parsed.marker >> 4 == 0xD
                if isDictionary { try checkDistinctKeys(parsed, trailer, at: at) }
                state[object] = 1
                path.append(
                    Frame(
                        object: object, refsStart: parsed.start, refCount: parsed.count * (isDictionary ? 2 : 1),
                        keyCount: isDictionary ? parsed.count : 0))
            default:
                let width = parsed.marker >> 4 == 0x6 ? 2 : 1
                let payload = parsed.marker >> 4 <= 0x3 ? 0 : parsed.count * width
                state[object] = 2
                units[object] = DecodeLimits.bytesPerValue + payload
                try add(units: units[object], height: 0)
            }
        }

        try visit(trailer.top)
        while let last = path.indices.last {
            let frame = path[last]
            if frame.next == frame.refCount {
                path.removeLast()
                state[frame.object] = 2
                units[frame.object] = frame.units
                heights[frame.object] = frame.height
                try add(units: frame.units, height: frame.height)
                continue
            }
            path[last].next += 1
            let child = readUInt(at: frame.refsStart + frame.next * trailer.refSize, size: trailer.refSize)
            guard child < UInt64(count) else {
                throw failure(.malformed, "a reference points to object \(child) of \(count)", at: frame.refsStart)
            }
            let object = Int(child)
            if frame.next < frame.keyCount {
                let marker = bytes[try offset(of: object, trailer)] >> 4
                guard marker == 0x5 || marker == 0x6 else {
                    throw failure(.malformed, "a dictionary key is not a string", at: frame.refsStart)
                }
            }
            switch state[object] {
            case 1:
                throw failure(.referenceCycle, "object \(object) contains itself", at: frame.refsStart)
            case 2:
                try add(units: units[object], height: heights[object])
            default:
                try visit(object)
            }
        }
    }

    /// The error for a payload whose expanded size passes `limit`, naming both limits and how to raise them.
    private func expansionFailure(limit: Int) -> CodecError {
        failure(
            .expansionLimitExceeded,
            "shared references expand this \(bytes.count)-byte payload to more than \(limit) bytes when decoded "
                + "(\(DecodeLimits.bytesPerValue) per value plus string and data bytes, each reference counted every "
                + "time it is used); the limit is the larger of DecodeLimits.maxExpandedBytes "
                + "(\(limits.maxExpandedBytes)) and DecodeLimits.maxExpansionRatio (\(limits.maxExpansionRatio)) "
                + "times the payload size: raise maxExpandedBytes in the codec's DecodeLimits to accept it")
    }

    /// A dictionary key's encoded form: string kind and payload bytes.
    private struct KeyBytes: Hashable {
        let marker: UInt8
        let bytes: [UInt8]
    }

    /// - Throws: `duplicateKey` when two keys of the dictionary have the same encoded form (same string type and
    ///   bytes), `malformed` for a key that is not a string.
    private func checkDistinctKeys(_ dictionary: Object, _ trailer: Trailer, at offset: Int) throws(CodecError) {
        guard dictionary.count > 1 else { return }
        var seen = Set<KeyBytes>(minimumCapacity: dictionary.count)
        for index in 0..<dictionary.count {
            let reference = readUInt(at: dictionary.start + index * trailer.refSize, size: trailer.refSize)
            guard reference < UInt64(trailer.objectCount) else {
                throw failure(.malformed, "a reference points outside the object table", at: offset)
            }
            let keyOffset = try self.offset(of: Int(reference), trailer)
            let key = try parse(at: keyOffset, trailer)
            guard key.marker >> 4 == 0x5 || key.marker >> 4 == 0x6 else {
                throw failure(.malformed, "a dictionary key is not a string", at: offset)
            }
            let length = key.marker >> 4 == 0x6 ? key.count * 2 : key.count
            let bytes = [UInt8](UnsafeRawBufferPointer(rebasing: self.bytes[key.start..<key.start + length]))
            guard seen.insert(KeyBytes(marker: key.marker >> 4, bytes: bytes)).inserted else {
                throw failure(.duplicateKey, "a dictionary holds the same key twice", at: offset)
            }
        }
    }
}
