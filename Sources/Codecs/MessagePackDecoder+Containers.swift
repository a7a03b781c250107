/// The keyed container of ``MessagePackDecoder``: a map whose entries were located once, when it was opened (see
/// ``MessagePackKeyIndex`` for how keys match). What reads bytes is in the index, which is not generic; this only
/// passes keys and adds coding paths to errors.
///
/// Its only stored property is the index (which holds the decoder and the coding path), so that the copies the
/// standard library's type-erasing box makes on every call cost one retain.
struct MessagePackKeyedDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    private let index: MessagePackKeyIndex

    init(index: MessagePackKeyIndex) {
        self.index = index
    }

    var decoder: MessagePackDecoder { index.decoder }
    var codingPath: [any CodingKey] { index.codingPath }

    var allKeys: [Key] {
        let bytes = index.bytes
        return index.entries.compactMap { entry in
            if entry.keyStart >= 0 {
                let raw = UnsafeRawBufferPointer(rebasing: bytes.base[entry.keyStart..<entry.keyEnd])
                return Key(stringValue: String(decoding: raw, as: UTF8.self))
            }
            if entry.keyStart == -1 {
                return Key(intValue: Int(truncatingIfNeeded: entry.intKey)) ?? Key(stringValue: String(entry.intKey))
            }
            return nil
        }
    }

    /// The index of the entry for `key`.
    ///
    /// - Throws: `keyNotFound`.
    @inline(__always)
    private func entry(for key: Key) throws -> Int {
        guard let found = index.find(name: key.stringValue, intValue: key.intValue) else {
            throw CodecError(
                .keyNotFound, "the map has no key \"\(key.stringValue)\"", codec: "msgpack",
                codingPath: CodecError.path(codingPath + [key]))
        }
        return found
    }

    /// The offset of the value for `key`.
    private func value(for key: Key) throws -> Int { index.entries[try entry(for: key)].value }

    func contains(_ key: Key) -> Bool { index.find(name: key.stringValue, intValue: key.intValue) != nil }

    func decodeNil(forKey key: Key) throws -> Bool {
        index.entries[try entry(for: key)].header.kind == .null
    }

    /// Reads the value for `key` with `body`, given the index and the entry's position in it.
    @inline(__always)
    private func scalar<R>(_ key: Key, _ body: (MessagePackKeyIndex, Int) throws(CodecError) -> R) throws -> R {
        let found = try entry(for: key)
        do throws(CodecError) { return try body(index, found) } catch {
            throw error.withCodingPath(codingPath + [key])
        }
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try scalar(key) { index, found throws(CodecError) in try index.bool(found) }
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try scalar(key) { index, found throws(CodecError) in try index.string(found) }
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try scalar(key) { index, found throws(CodecError) in try index.double(found) }
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try scalar(key) { index, found throws(CodecError) in try index.float(found) }
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        try scalar(key) { index, found throws(CodecError) in try index.integer(found, as: Int.self) }
    }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
        try scalar(key) { index, found throws(CodecError) in try index.integer(found, as: Int8.self) }
    }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
        try scalar(key) { index, found throws(CodecError) in try index.integer(found, as: Int16.self) }
    }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
        try scalar(key) { index, found throws(CodecError) in try index.integer(found, as: Int32.self) }
    }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        try scalar(key) { index, found throws(CodecError) in try index.integer(found, as: Int64.self) }
    }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
        try scalar(key) { index, found throws(CodecError) in try index.integer(found, as: UInt.self) }
    }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
        try scalar(key) { index, found throws(CodecError) in try index.integer(found, as: UInt8.self) }
    }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        try scalar(key) { index, found throws(CodecError) in try index.integer(found, as: UInt16.self) }
    }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        try scalar(key) { index, found throws(CodecError) in try index.integer(found, as: UInt32.self) }
    }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        try scalar(key) { index, found throws(CodecError) in try index.integer(found, as: UInt64.self) }
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let offset = try value(for: key)
        do throws(CodecError) {
            if let leaf = MessagePackLeaf.of(type) {
                return try decoder.decodeLeaf(leaf, as: type, at: offset, path: { codingPath + [key] })
            }
        } catch {
            throw error.withCodingPath(codingPath + [key])
        }
        return try decoder.decode(type, at: offset, parent: codingPath, key: key, leavesChecked: true)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let offset = try value(for: key)
        return try decoder.scoped(offset: offset, path: codingPath + [key]) { try $0.container(keyedBy: type) }
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let offset = try value(for: key)
        return try decoder.scoped(offset: offset, path: codingPath + [key]) { try $0.unkeyedContainer() }
    }

    func superDecoder() throws -> any Decoder {
        try superDecoder(
            offset: index.find(name: "super", intValue: nil).map { index.entries[$0].value }, key: SuperKey())
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try superDecoder(offset: try value(for: key), key: key)
    }

    private func superDecoder(offset: Int?, key: any CodingKey) throws -> any Decoder {
        guard let offset else {
            throw CodecError(
                .keyNotFound, "the map has no key \"super\"", codec: "msgpack", codingPath: CodecError.path(codingPath))
        }
        let child = MessagePackDecoder(bytes: decoder.bytes, offset: offset, userInfo: decoder.userInfo)
        child.codingPath = codingPath + [key]
        return child
    }
}

/// The key `super`, for ``MessagePackKeyedDecoding/superDecoder()``.
struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { return nil }
}

/// The unkeyed container of ``MessagePackDecoder``: an array read front to back.
struct MessagePackUnkeyedDecoding: UnkeyedDecodingContainer {
    let decoder: MessagePackDecoder
    let codingPath: [any CodingKey]
    let count: Int?
    private(set) var currentIndex = 0
    private var offset: Int

    init(decoder: MessagePackDecoder, header: MessagePackHeader, codingPath: [any CodingKey]) {
        self.decoder = decoder
        self.codingPath = codingPath
        self.count = Int(header.bits)
        self.offset = header.payload
    }

    var isAtEnd: Bool { currentIndex >= count ?? 0 }

    private func checkNotAtEnd() throws {
        guard !isAtEnd else {
            throw CodecError(
                .valueNotFound, "the array has only \(count ?? 0) elements", codec: "msgpack",
                codingPath: CodecError.path(codingPath + [IndexKey(currentIndex)]), byteOffset: offset)
        }
    }

    mutating func decodeNil() throws -> Bool {
        try checkNotAtEnd()
        guard decoder.bytes.byte(offset) == 0xc0 else { return false }
        offset += 1
        currentIndex += 1
        return true
    }

    /// Reads the next element with `body`, given the payload, the element's header and its offset.
    @inline(__always)
    private mutating func scalar<R>(
        _ body: (MessagePackBytes, MessagePackHeader, Int) throws(CodecError) -> R
    ) throws -> R {
        try checkNotAtEnd()
        let bytes = decoder.bytes
        do throws(CodecError) {
            let header = try bytes.header(at: offset)
            let result = try body(bytes, header, offset)
            offset = header.kind == .array || header.kind == .map ? try bytes.skip(at: offset) : header.next
            currentIndex += 1
            return result
        } catch {
            throw error.withCodingPath(codingPath + [IndexKey(currentIndex)])
        }
    }

    private mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        try scalar { b, h, o throws(CodecError) in try b.integer(h, as: T.self, at: o) }
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool {
        try scalar { b, h, o throws(CodecError) in try b.bool(h, at: o) }
    }
    mutating func decode(_ type: String.Type) throws -> String {
        try scalar { b, h, o throws(CodecError) in try b.string(h, at: o) }
    }
    mutating func decode(_ type: Double.Type) throws -> Double {
        try scalar { b, h, o throws(CodecError) in try b.double(h, at: o) }
    }
    mutating func decode(_ type: Float.Type) throws -> Float {
        try scalar { b, h, o throws(CodecError) in try b.float(h, at: o) }
    }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try checkNotAtEnd()
        let value = try decoder.decode(type, at: offset, parent: codingPath, key: IndexKey(currentIndex))
        offset = try decoder.bytes.skip(at: offset)
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try checkNotAtEnd()
        let path = codingPath + [IndexKey(currentIndex)]
        let container = try decoder.scoped(offset: offset, path: path) { try $0.container(keyedBy: type) }
        offset = try decoder.bytes.skip(at: offset)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try checkNotAtEnd()
        let path = codingPath + [IndexKey(currentIndex)]
        let container = try decoder.scoped(offset: offset, path: path) { try $0.unkeyedContainer() }
        offset = try decoder.bytes.skip(at: offset)
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        try checkNotAtEnd()
        let child = MessagePackDecoder(bytes: decoder.bytes, offset: offset, userInfo: decoder.userInfo)
        child.codingPath = codingPath + [IndexKey(currentIndex)]
        offset = try decoder.bytes.skip(at: offset)
        currentIndex += 1
        return child
    }
}

extension MessagePackDecoder {
    /// Runs `body` with this decoder moved to `offset` and `path`, and moves it back.
    func scoped<R>(offset: Int, path: [any CodingKey], _ body: (MessagePackDecoder) throws -> R) throws -> R {
        let savedOffset = self.offset
        let savedPath = codingPath
        self.offset = offset
        codingPath = path
        defer {
            self.offset = savedOffset
            codingPath = savedPath
        }
        return try body(self)
    }
}
