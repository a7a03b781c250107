internal import Foundation

/// Where each key and value of one MessagePack map is, located once when a keyed container is opened.
///
/// It is deliberately not generic: the keyed container is generic over its `CodingKey` type, which the compiler
/// does not know inside `init(from:)`, and a type nested in it would need its generic metadata looked up at run
/// time on every key lookup.
///
/// Keys match by string (UTF-8 bytes) or, for keys with an integer value such as `Dictionary<Int, _>`'s, by
/// integer. When a map holds a key twice, the first occurrence wins.
struct MessagePackKeyIndex {
    struct Entry {
        /// For a string key, its payload range; for an integer key, `keyStart` is -1 and `keyEnd` unused; -2 for
        /// a key of another kind, which never matches.
        var keyStart: Int
        var keyEnd: Int
        var intKey: Int64
        /// The offset of the value.
        var value: Int
    }

    let bytes: MessagePackBytes
    let entries: [Entry]

    /// Indexes the map whose header is `header`.
    ///
    /// - Throws: What reading the (already validated) keys and skipping the values can throw.
    init(bytes: MessagePackBytes, header: MessagePackHeader) throws(CodecError) {
        self.bytes = bytes
        var entries: [Entry] = []
        entries.reserveCapacity(Int(header.bits))
        var position = header.payload
        for _ in 0..<header.bits {
            let key = try bytes.header(at: position)
            var entry = Entry(keyStart: -2, keyEnd: 0, intKey: 0, value: 0)
            switch key.kind {
            case .string:
                entry.keyStart = key.payload
                entry.keyEnd = key.next
            case .int:
                entry.keyStart = -1
                entry.intKey = Int64(bitPattern: key.bits)
            case .uint where key.bits <= UInt64(Int64.max):
                entry.keyStart = -1
                entry.intKey = Int64(key.bits)
            default:
                break  // A key of another kind never matches a coding key.
            }
            position = key.kind == .array || key.kind == .map ? try bytes.skip(at: position) : key.next
            entry.value = position
            position = try bytes.skip(at: position)
            entries.append(entry)
        }
        self.entries = entries
    }

    /// The offset of the value of the first key equal to `name` (as UTF-8) or to `intValue`, if any.
    func find(name: String, intValue: Int64?) -> Int? {
        if let found = name.utf8.withContiguousStorageIfAvailable({ find(UnsafeRawBufferPointer($0), intValue) }) {
            return found
        }
        var copy = name
        return copy.withUTF8 { find(UnsafeRawBufferPointer($0), intValue) }
    }

    private func find(_ wanted: UnsafeRawBufferPointer, _ intValue: Int64?) -> Int? {
        let base = bytes.base.baseAddress
        for entry in entries {
            if entry.keyStart >= 0 {
                let length = entry.keyEnd - entry.keyStart
                if length == wanted.count,
                    length == 0 || memcmp(base! + entry.keyStart, wanted.baseAddress!, length) == 0
                {
                    return entry.value
                }
            } else if entry.keyStart == -1, entry.intKey == intValue {
                return entry.value
            }
        }
        return nil
    }
}
