/// The keyed container of ``MessagePackEncoder``: a map whose header is written when the message is finished.
///
/// Keys are written as strings, except keys whose integer value is also their string form (the keys of
/// `Dictionary<Int, _>`), which are written as integers, as Python writes `{1: "a"}`.
struct MessagePackKeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: MessagePackEncoder
    let slot: Int
    let codingPath: [any CodingKey]

    private var writer: MessagePackWriter { encoder.writer }

    /// Adds an entry for `key` to the map and writes the key; returns the writer, for the entry's value.
    @inline(__always)
    @discardableResult
    private func entry(_ key: Key) throws -> MessagePackWriter {
        do throws(CodecError) { try writer.addEntry(to: slot) } catch {
            throw error.withCodingPath(codingPath + [key])
        }
        if let number = key.intValue, key.stringValue == String(number) {
            writer.write(Int64(number))
        } else {
            writer.write(key.stringValue)
        }
        return writer
    }

    mutating func encodeNil(forKey key: Key) throws { try entry(key).writeNil() }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try entry(key).write(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { try entry(key).write(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try entry(key).write(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try entry(key).write(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try entry(key).write(Int64(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try entry(key).write(Int64(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try entry(key).write(Int64(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try entry(key).write(Int64(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try entry(key).write(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try entry(key).write(UInt64(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try entry(key).write(UInt64(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try entry(key).write(UInt64(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try entry(key).write(UInt64(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try entry(key).write(value) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try entry(key)
        try encoder.encode(value, parent: codingPath, key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        _ = try? entry(key)
        return KeyedEncodingContainer(
            MessagePackKeyedEncoding<NestedKey>(
                encoder: encoder, slot: writer.beginContainer(isMap: true), codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        _ = try? entry(key)
        return MessagePackUnkeyedEncoding(
            encoder: encoder, slot: writer.beginContainer(isMap: false), codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        _ = try? writer.addEntry(to: slot)
        writer.write("super")
        return MessagePackEncoder(writer: writer, maxDepth: encoder.maxDepth, userInfo: encoder.userInfo)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        _ = try? entry(key)
        return MessagePackEncoder(writer: writer, maxDepth: encoder.maxDepth, userInfo: encoder.userInfo)
    }
}

/// The unkeyed container of ``MessagePackEncoder``: an array whose header is written when the message is finished.
struct MessagePackUnkeyedEncoding: UnkeyedEncodingContainer {
    let encoder: MessagePackEncoder
    let codingPath: [any CodingKey]
    // The container's identifier and its element count share one word, so that the container fits an existential's
    // inline buffer (three words) and `unkeyedContainer()` allocates no box. The writer refuses more than 2^32-1
    // elements.
    private let slot32: UInt32
    private var count32: UInt32 = 0

    var slot: Int { Int(slot32) }
    var count: Int { Int(count32) }

    init(encoder: MessagePackEncoder, slot: Int, codingPath: [any CodingKey]) {
        self.encoder = encoder
        self.slot32 = UInt32(truncatingIfNeeded: slot)
        self.codingPath = codingPath
    }

    private var writer: MessagePackWriter { encoder.writer }

    /// Adds an element to the array; returns the writer, for the element.
    @inline(__always)
    @discardableResult
    private mutating func element() throws -> MessagePackWriter {
        do throws(CodecError) { try writer.addEntry(to: slot) } catch {
            throw error.withCodingPath(codingPath + [IndexKey(count)])
        }
        count32 &+= 1
        return writer
    }

    mutating func encodeNil() throws { try element().writeNil() }
    mutating func encode(_ value: Bool) throws { try element().write(value) }
    mutating func encode(_ value: String) throws { try element().write(value) }
    mutating func encode(_ value: Double) throws { try element().write(value) }
    mutating func encode(_ value: Float) throws { try element().write(value) }
    mutating func encode(_ value: Int) throws { try element().write(Int64(value)) }
    mutating func encode(_ value: Int8) throws { try element().write(Int64(value)) }
    mutating func encode(_ value: Int16) throws { try element().write(Int64(value)) }
    mutating func encode(_ value: Int32) throws { try element().write(Int64(value)) }
    mutating func encode(_ value: Int64) throws { try element().write(value) }
    mutating func encode(_ value: UInt) throws { try element().write(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { try element().write(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { try element().write(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { try element().write(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { try element().write(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = count
        try element()
        try encoder.encode(value, parent: codingPath, key: IndexKey(index))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let path = codingPath + [IndexKey(count)]
        _ = try? element()
        return KeyedEncodingContainer(
            MessagePackKeyedEncoding<NestedKey>(
                encoder: encoder, slot: writer.beginContainer(isMap: true), codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [IndexKey(count)]
        _ = try? element()
        return MessagePackUnkeyedEncoding(encoder: encoder, slot: writer.beginContainer(isMap: false), codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        _ = try? element()
        return MessagePackEncoder(writer: writer, maxDepth: encoder.maxDepth, userInfo: encoder.userInfo)
    }
}
