internal import Foundation

/// Where each key and value of one MessagePack map is, located once when a keyed container is opened, with each
/// value's header already read, so that reading a field parses nothing again.
///
/// It is deliberately not generic: the keyed container is generic over its `CodingKey` type, which the compiler
/// does not know inside `init(from:)`; everything that reads bytes lives here, compiled once, and the container
/// only passes the key's string and integer.
///
/// Keys match by string (UTF-8 bytes) or, for keys with an integer value such as `Dictionary<Int, _>`'s, by
/// integer. When a map holds a key twice, the first occurrence wins. Each key's length and first bytes are kept in
/// one word, so that a lookup passes over the other keys with one comparison each; a lookup first tries the entry after
/// the previous match, which is the answer when fields are read in the order they were written and the map's keys are
/// known to be distinct.
///
/// Indexes are reused: ``MessagePackDecoder`` keeps the ones no container holds any more and refills them.
final class MessagePackKeyIndex {
    struct Entry {
        /// For a string key, its payload range; for an integer key, `keyStart` is -1 and `keyEnd` unused; -2 for
        /// a key of another kind, which never matches.
        var keyStart: Int
        var keyEnd: Int
        var intKey: Int64
        /// For a string key, see ``MessagePackKeyIndex/signature(_:)``.
        var signature: UInt64
        /// The offset of the value and its header.
        var value: Int
        var header: MessagePackHeader
    }

    /// The decoder of the message, for nested values, and the coding path of the map.
    @exclusivity(unchecked) private(set) var decoder: MessagePackDecoder
    @exclusivity(unchecked) private(set) var codingPath: [any CodingKey] = []
    @exclusivity(unchecked) private(set) var bytes: MessagePackBytes
    @exclusivity(unchecked) private(set) var entries: [Entry] = []
    /// Where the next lookup starts looking: after the last match (fields are usually read in the order they were
    /// written).
    @exclusivity(unchecked) private var cursor = 0
    /// See ``keysAreDistinct()``.
    @exclusivity(unchecked) private var distinct = false

    init(decoder: MessagePackDecoder) {
        self.decoder = decoder
        self.bytes = decoder.bytes
    }

    /// Indexes the map whose header is `header` in the payload of `decoder`, at `codingPath`, replacing what the index
    /// held.
    ///
    /// - Throws: What reading the (already validated) keys and values can throw.
    ///
    /// With `validating` (the nesting limit of the payload, for a map at the top level), the map is validated while it is indexed, as
    /// ``MessagePackBytes/validate(at:maxDepth:depth:)`` would validate it, with the same errors in the same order; the
    /// offset after the map is then returned (otherwise -1).
    @discardableResult
    func fill(
        decoder: MessagePackDecoder, header: MessagePackHeader, codingPath: [any CodingKey], validating: Int? = nil
    ) throws(CodecError) -> Int {
        self.decoder = decoder
        self.codingPath = codingPath
        let bytes = decoder.bytes
        self.bytes = bytes
        cursor = 0
        entries.removeAll(keepingCapacity: true)
        entries.reserveCapacity(Int(header.bits))
        var position = header.payload
        // One bit per key (of 128, by a hash of its signature or integer): when no two keys share a bit, they are
        // distinct without comparing every pair.
        var seen: (UInt64, UInt64) = (0, 0)
        var shared = false
        for _ in 0..<header.bits {
            let key = try bytes.header(at: position)
            var entry = Entry(keyStart: -2, keyEnd: 0, intKey: 0, signature: 0, value: 0, header: key)
            switch key.kind {
            case .string:
                entry.keyStart = key.payload
                entry.keyEnd = key.next
                entry.signature = Self.signature(bytes.payload(key))
            case .int:
                entry.keyStart = -1
                entry.intKey = Int64(bitPattern: key.bits)
            case .uint where key.bits <= UInt64(Int64.max):
                entry.keyStart = -1
                entry.intKey = Int64(key.bits)
            default:
                break  // A key of another kind never matches a coding key.
            }
            if entry.keyStart != -2 {
                let hash =
                    (entry.keyStart >= 0 ? entry.signature : UInt64(bitPattern: entry.intKey) ^ 0x5bd1_e995)
                    &* 0x9e37_79b9_7f4a_7c15
                let bit: UInt64 = 1 << (hash >> 58)
                if hash & (1 << 57) == 0 {
                    shared = shared || seen.0 & bit != 0
                    seen.0 |= bit
                } else {
                    shared = shared || seen.1 & bit != 0
                    seen.1 |= bit
                }
            }
            position = key.kind == .array || key.kind == .map ? try end(at: position, validating) : key.next
            let value = try bytes.header(at: position)
            entry.value = position
            entry.header = value
            position = value.kind == .array || value.kind == .map ? try end(at: position, validating) : value.next
            entries.append(entry)
        }
        distinct = !shared || keysAreDistinct()
        return validating == nil ? -1 : position
    }

    /// The offset after the container at `offset`, validated when `maxDepth` is given.
    @inline(__always)
    private func end(at offset: Int, _ maxDepth: Int?) throws(CodecError) -> Int {
        guard let maxDepth else { return try bytes.skip(at: offset) }
        return try bytes.validate(at: offset, maxDepth: maxDepth, depth: 1)
    }

    /// The bool of entry `found`'s value.
    func bool(_ found: Int) throws(CodecError) -> Bool {
        try bytes.bool(entries[found].header, at: entries[found].value)
    }

    /// The string of entry `found`'s value.
    func string(_ found: Int) throws(CodecError) -> String {
        try bytes.string(entries[found].header, at: entries[found].value)
    }

    /// The number of entry `found`'s value as a `Double`.
    func double(_ found: Int) throws(CodecError) -> Double {
        try bytes.double(entries[found].header, at: entries[found].value)
    }

    /// The number of entry `found`'s value as a `Float`.
    func float(_ found: Int) throws(CodecError) -> Float {
        try bytes.float(entries[found].header, at: entries[found].value)
    }

    /// The integer of entry `found`'s value as `T`.
    func integer<T: FixedWidthInteger>(_ found: Int, as type: T.Type) throws(CodecError) -> T {
        try bytes.integer(entries[found].header, as: T.self, at: entries[found].value)
    }

    /// The index of the entry of the first key equal to `name` (as UTF-8) or to `intValue`, if any.
    func find(name: String, intValue: Int?) -> Int? {
        let wantedInt = intValue.map(Int64.init)
        if let found = name.utf8.withContiguousStorageIfAvailable({ find(UnsafeRawBufferPointer($0), wantedInt) }) {
            return found
        }
        var name = name
        return name.withUTF8 { find(UnsafeRawBufferPointer($0), wantedInt) }
    }

    /// The index of the entry of the first key equal to `name`, if any.
    func find(name: StaticString) -> Int? {
        guard name.hasPointerRepresentation else { return find(name: name.description, intValue: nil) }
        return find(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), nil)
    }

    private func find(_ wanted: UnsafeRawBufferPointer, _ intValue: Int64?) -> Int? {
        let signature = Self.signature(wanted)
        if distinct, cursor < entries.count, matches(cursor, wanted, signature, intValue) {
            cursor += 1
            return cursor - 1
        }
        for index in entries.indices where matches(index, wanted, signature, intValue) {
            cursor = index + 1
            return index
        }
        return nil
    }

    @inline(__always)
    private func matches(_ index: Int, _ wanted: UnsafeRawBufferPointer, _ signature: UInt64, _ intValue: Int64?)
        -> Bool
    {
        let entry = entries[index]
        if entry.keyStart >= 0 {
            return entry.signature == signature && entry.keyEnd - entry.keyStart == wanted.count
                && (wanted.count <= 7
                    || memcmp(bytes.base.baseAddress! + entry.keyStart, wanted.baseAddress!, wanted.count) == 0)
        }
        return entry.keyStart == -1 && entry.intKey == intValue
    }

    /// Whether no two keys of the map can be equal (different signatures or integers), so that a match at the cursor
    /// is the first occurrence. Maps of more than 16 entries are not checked, and searched from the start.
    private func keysAreDistinct() -> Bool {
        let count = entries.count
        guard count <= 16 else { return false }
        for later in 0..<count where entries[later].keyStart != -2 {
            let key = entries[later]
            for earlier in 0..<later {
                let other = entries[earlier]
                if key.keyStart >= 0, other.keyStart >= 0, key.signature == other.signature { return false }
                if key.keyStart == -1, other.keyStart == -1, key.intKey == other.intKey { return false }
            }
        }
        return true
    }

    /// A key's length (its low eight bits) and up to its first seven bytes in one word: keys of the same length and
    /// at most seven bytes are equal exactly when their signatures are; longer ones are compared in full when their
    /// signatures and lengths match.
    @inline(__always)
    static func signature(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var signature = UInt64(truncatingIfNeeded: key.count) << 56
        let prefix = min(key.count, 7)
        for index in 0..<prefix { signature |= UInt64(key[index]) << (8 * UInt64(index)) }
        return signature
    }
}
