internal import Foundation

/// The state of one map that a ``MessagePackCodable`` value reads its fields from (behind ``MessagePackMapReader``):
/// the fields are decoded while the map is walked, in one pass.
///
/// Generated code reads the fields in declaration order, and an encoder writes them in that order, so the key at the
/// walk's position is normally the one asked for: it is compared with the wanted key (a fixstr of the same bytes),
/// the value is read, and the position moves past it. Because every key matched so far was a different field, a
/// match at the position is the first occurrence of its key, as the Codable route requires. A key that is not at the
/// position (fields out of order, an absent optional, an unknown key, a key in another form) switches the walk to a
/// ``MessagePackKeyIndex`` of the whole map, which answers the remaining fields as the Codable route does.
///
/// A walk reads either a payload that ``MessagePackBytes/validate(at:maxDepth:depth:)`` already accepted, or (for the
/// top-level value of ``MessagePackCodec/decode(_:fromBytes:)``) one that was not validated: then every read checks
/// what it reads, each nested value is validated before it is decoded, the entries no field asked for are validated
/// by ``finish()``, and the decoder decodes the payload again through the validating route when anything fails, so
/// that errors are exactly the Codable route's (see ``MessagePackDecoder/decodeTopLevel(_:maxDepth:)``).
final class MessagePackFieldWalk {
    @exclusivity(unchecked) private(set) var decoder: MessagePackDecoder
    @exclusivity(unchecked) private(set) var bytes: MessagePackBytes
    @exclusivity(unchecked) private(set) var codingPath: [any CodingKey] = []
    /// The offset of the map's header.
    @exclusivity(unchecked) private var mapOffset = 0
    /// The offset of the next key, while the walk is in order.
    @exclusivity(unchecked) private(set) var position = 0
    /// The entries not yet walked.
    @exclusivity(unchecked) private var remaining = 0
    /// The index of the whole map, once a key was not where the walk stood.
    @exclusivity(unchecked) private(set) var index: MessagePackKeyIndex?
    /// Whether the payload was validated before decoding began.
    @exclusivity(unchecked) private(set) var validated = true
    /// For a payload not validated: the map's nesting level (1 for the top-level value) and the limit.
    @exclusivity(unchecked) private(set) var depth = 1
    @exclusivity(unchecked) private(set) var maxDepth = 0

    init(decoder: MessagePackDecoder) {
        self.decoder = decoder
        bytes = decoder.bytes
    }

    /// Starts a walk of the map at `offset` whose header is `header`.
    func start(
        decoder: MessagePackDecoder, header: MessagePackHeader, at offset: Int, codingPath: [any CodingKey],
        validated: Bool, depth: Int, maxDepth: Int
    ) {
        self.decoder = decoder
        bytes = decoder.bytes
        self.codingPath = codingPath
        mapOffset = offset
        position = header.payload
        remaining = Int(header.bits)
        index = nil
        self.validated = validated
        self.depth = depth
        self.maxDepth = maxDepth
    }

    /// The offset of the value of `key` when `key` is the next key of an in-order walk (which then moves past the
    /// key), or `nil`.
    @inline(__always)
    func valueInOrder(_ key: StaticString) -> Int? {
        guard index == nil, remaining > 0, key.hasPointerRepresentation else { return nil }
        let length = key.utf8CodeUnitCount
        let base = bytes.base
        let start = position
        guard length < 32, length < base.count - start, base[start] == 0xa0 | UInt8(length) else { return nil }
        let found = base.baseAddress! + start + 1
        if length <= 16 {
            // Short keys, the usual ones, byte by byte: cheaper than a call to `memcmp`.
            let wanted = key.utf8Start
            for index in 0..<length where found.load(fromByteOffset: index, as: UInt8.self) != wanted[index] {
                return nil
            }
        } else if memcmp(found, key.utf8Start, length) != 0 {
            return nil
        }
        remaining -= 1
        return start + 1 + length
    }

    /// Moves the walk past a value that ended at `next`.
    @inline(__always)
    func advance(to next: Int) { position = next }

    /// The offset after the value at `offset`, a container or not: for a payload not validated, the value is
    /// validated here (nesting counted from this map's level).
    ///
    /// - Throws: The errors of ``MessagePackBytes/validate(at:maxDepth:depth:)``.
    func end(ofValueAt offset: Int) throws(CodecError) -> Int {
        if validated { return try bytes.skip(at: offset) }
        return try bytes.validate(at: offset, maxDepth: maxDepth, depth: depth)
    }

    /// Checks, for a payload not validated, that an array or map value may open at this map's level plus one.
    ///
    /// - Throws: `depthLimitExceeded`.
    @inline(__always)
    func checkNesting(at offset: Int) throws(CodecError) {
        guard validated || depth < maxDepth else {
            throw bytes.error(.depthLimitExceeded, "nesting is deeper than the limit of \(maxDepth)", at: offset)
        }
    }

    /// Reads the array of integers at `offset` as `[Int]`, straight from the bytes, and moves the walk past it.
    /// An element's error gets `path` followed by the element's index as coding path.
    ///
    /// - Throws: `typeMismatch`, `valueOutOfRange`; for a payload not validated also `truncated`,
    ///   `countExceedsInput` and `depthLimitExceeded`.
    func ints(at offset: Int, path: () -> [any CodingKey]) throws(CodecError) -> [Int] {
        let header = try bytes.header(at: offset)
        guard header.kind == .array else { throw bytes.mismatch(header, expected: "an array", at: offset) }
        let count = Int(header.bits)
        if !validated {
            guard count <= bytes.count - header.payload else {
                throw bytes.error(
                    .countExceedsInput, "a container declares \(count) elements but fewer bytes remain", at: offset)
            }
            try checkNesting(at: offset)
        }
        let base = bytes.base
        var next = header.payload
        var result: [Int] = []
        result.reserveCapacity(count)
        for element in 0..<count {
            if next < base.count, base[next] < 0x80 {
                result.append(Int(base[next]))
                next += 1
                continue
            }
            do throws(CodecError) {
                let item = try bytes.header(at: next)
                result.append(try bytes.integer(item, as: Int.self, at: next))
                next = item.next
            } catch {
                throw error.withCodingPath(path() + [IndexKey(element)])
            }
        }
        position = next
        return result
    }

    /// The index of the whole map, made now if the walk was still in order (the map is validated first when the
    /// payload was not).
    ///
    /// - Throws: The errors of validating and indexing the map.
    func indexed() throws(CodecError) -> MessagePackKeyIndex {
        if let index { return index }
        if !validated {
            position = try bytes.validate(at: mapOffset, maxDepth: maxDepth, depth: depth - 1)
        }
        let made = try decoder.keyIndex(for: bytes.header(at: mapOffset), codingPath: codingPath)
        index = made
        return made
    }

    /// Validates what an in-order walk did not read (for a payload not validated) and returns the offset after the
    /// map.
    ///
    /// - Throws: The errors of ``MessagePackBytes/validate(at:maxDepth:depth:)``.
    func finish() throws(CodecError) -> Int {
        if index != nil {
            if validated { return try bytes.skip(at: mapOffset) }
            return position  // Set when the map was validated for the index.
        }
        var offset = position
        for _ in 0..<remaining * 2 {
            offset =
                validated
                ? try bytes.skip(at: offset) : try bytes.validate(at: offset, maxDepth: maxDepth, depth: depth)
        }
        remaining = 0
        position = offset
        return offset
    }
}
