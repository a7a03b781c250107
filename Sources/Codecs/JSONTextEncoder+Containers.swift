/// An object being written by ``JSONTextEncoder``; see there for when it is done.
struct JSONTextKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: JSONTextEncoder
    let level: Int
    let id: Int
    let pathCount: Int

    init(encoder: JSONTextEncoder, level: Int, id: Int) {
        self.encoder = encoder
        self.level = level
        self.id = id
        pathCount = encoder.frames[level].pathCount
    }

    /// A container that refuses every use: its encoder leaves the message to Foundation.
    init(dead encoder: JSONTextEncoder) {
        self.encoder = encoder
        level = Int.max
        id = -1
        pathCount = encoder.path.count
    }

    var codingPath: [any CodingKey] { encoder.codingPath(count: pathCount) }

    private func begin(_ key: Key) throws {
        try encoder.enter(level: level, id: id)
        try encoder.beginEntry(key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws {
        try begin(key)
        encoder.writer.append("null")
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        try begin(key)
        encoder.writer.append(value ? "true" : "false")
    }
    mutating func encode(_ value: String, forKey key: Key) throws {
        try begin(key)
        encoder.writer.append(string: value)
    }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        try begin(key)
        try encoder.append(value)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        try begin(key)
        try encoder.append(value)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try integer(value, key) }

    private func integer<T: FixedWidthInteger>(_ value: T, _ key: Key) throws {
        try begin(key)
        encoder.writer.append(integer: value)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try begin(key)
        try encoder.encodeValue(value, component: .key(key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        guard (try? begin(key)) != nil else {
            return KeyedEncodingContainer(JSONTextKeyedEncodingContainer<NestedKey>(dead: encoder))
        }
        let frame = encoder.openFrame(keyed: true, component: .key(key))
        return KeyedEncodingContainer(
            JSONTextKeyedEncodingContainer<NestedKey>(encoder: encoder, level: frame.level, id: frame.id))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        guard (try? begin(key)) != nil else { return JSONTextUnkeyedEncodingContainer(dead: encoder) }
        let frame = encoder.openFrame(keyed: false, component: .key(key))
        return JSONTextUnkeyedEncodingContainer(encoder: encoder, level: frame.level, id: frame.id)
    }

    mutating func superEncoder() -> any Encoder { encoder.detachedEncoder() }
    mutating func superEncoder(forKey key: Key) -> any Encoder { encoder.detachedEncoder() }
}

/// An array being written by ``JSONTextEncoder``.
struct JSONTextUnkeyedEncodingContainer: UnkeyedEncodingContainer, JSONTextScalarEncoding {
    let encoder: JSONTextEncoder
    let level: Int
    let id: Int
    let pathCount: Int
    private(set) var count = 0

    init(encoder: JSONTextEncoder, level: Int, id: Int) {
        self.encoder = encoder
        self.level = level
        self.id = id
        pathCount = encoder.frames[level].pathCount
    }

    init(dead encoder: JSONTextEncoder) {
        self.encoder = encoder
        level = Int.max
        id = -1
        pathCount = encoder.path.count
    }

    var codingPath: [any CodingKey] { encoder.codingPath(count: pathCount) }

    mutating func begin() throws {
        try encoder.enter(level: level, id: id)
        encoder.beginElement()
        count += 1
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = count
        try begin()
        try encoder.encodeValue(value, component: .index(index))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        let index = count
        guard (try? begin()) != nil else {
            return KeyedEncodingContainer(JSONTextKeyedEncodingContainer<NestedKey>(dead: encoder))
        }
        let frame = encoder.openFrame(keyed: true, component: .index(index))
        return KeyedEncodingContainer(
            JSONTextKeyedEncodingContainer<NestedKey>(encoder: encoder, level: frame.level, id: frame.id))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let index = count
        guard (try? begin()) != nil else { return JSONTextUnkeyedEncodingContainer(dead: encoder) }
        let frame = encoder.openFrame(keyed: false, component: .index(index))
        return JSONTextUnkeyedEncodingContainer(encoder: encoder, level: frame.level, id: frame.id)
    }

    mutating func superEncoder() -> any Encoder { encoder.detachedEncoder() }
}

/// The one value of an encoder's slot.
struct JSONTextSingleValueEncodingContainer: SingleValueEncodingContainer, JSONTextScalarEncoding {
    let encoder: JSONTextEncoder
    let level: Int
    let pathCount: Int

    var codingPath: [any CodingKey] { encoder.codingPath(count: pathCount) }

    /// Takes the slot: it must be the encoder's current one, still empty.
    func begin() throws {
        guard encoder.slotLevel == level, encoder.claimSlot() else {
            encoder.needsFoundation = true
            throw JSONTextFallback()
        }
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try begin()
        // The value goes into this same slot, with the same coding path, as Foundation does.
        encoder.slotFilled = false
        try encoder.encodeValue(value)
    }
}

/// The scalar values that arrays and single values write the same way: each takes its place with ``begin()``, then
/// writes its text.
protocol JSONTextScalarEncoding {
    var encoder: JSONTextEncoder { get }
    /// Takes the place of the next value.
    /// - Throws: `JSONTextFallback` when the message has to go to Foundation.
    mutating func begin() throws
}

extension JSONTextScalarEncoding {
    mutating func encodeNil() throws {
        try begin()
        encoder.writer.append("null")
    }
    mutating func encode(_ value: Bool) throws {
        try begin()
        encoder.writer.append(value ? "true" : "false")
    }
    mutating func encode(_ value: String) throws {
        try begin()
        encoder.writer.append(string: value)
    }
    mutating func encode(_ value: Double) throws {
        try begin()
        try encoder.append(value)
    }
    mutating func encode(_ value: Float) throws {
        try begin()
        try encoder.append(value)
    }
    mutating func encode(_ value: Int) throws { try integer(value) }
    mutating func encode(_ value: Int8) throws { try integer(value) }
    mutating func encode(_ value: Int16) throws { try integer(value) }
    mutating func encode(_ value: Int32) throws { try integer(value) }
    mutating func encode(_ value: Int64) throws { try integer(value) }
    mutating func encode(_ value: UInt) throws { try integer(value) }
    mutating func encode(_ value: UInt8) throws { try integer(value) }
    mutating func encode(_ value: UInt16) throws { try integer(value) }
    mutating func encode(_ value: UInt32) throws { try integer(value) }
    mutating func encode(_ value: UInt64) throws { try integer(value) }

    private mutating func integer<T: FixedWidthInteger>(_ value: T) throws {
        try begin()
        encoder.writer.append(integer: value)
    }
}
