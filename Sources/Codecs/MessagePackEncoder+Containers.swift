/// The keyed container of ``MessagePackEncoder``: a map whose header is written when the message is finished.
///
/// Keys are written as strings, except keys whose integer value is also their string form (the keys of
/// `Dictionary<Int, _>`), which are written as integers, as Python writes `{1: "a"}`.
struct MessagePackKeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: MessagePackEncoder
    let slot: Int
    let codingPath: [any CodingKey]

    private var writer: MessagePackWriter { encoder.writer }

    private func writeKey(_ key: Key) throws {
        do throws(CodecError) { try writer.addEntry(to: slot) } catch {
            throw error.withCodingPath(codingPath + [key])
        }
        if let number = key.intValue, key.stringValue == String(number) {
            writer.write(Int64(number))
        } else {
            writer.write(key.stringValue)
        }
    }

    mutating func encodeNil(forKey key: Key) throws {
        try writeKey(key)
        writer.writeNil()
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        try writeKey(key)
        writer.write(value)
    }
    mutating func encode(_ value: String, forKey key: Key) throws {
        try writeKey(key)
        writer.write(value)
    }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        try writeKey(key)
        writer.write(value)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        try writeKey(key)
        writer.write(value)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { try integer(Int64(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try integer(Int64(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try integer(Int64(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try integer(Int64(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try unsigned(UInt64(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try unsigned(UInt64(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try unsigned(UInt64(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try unsigned(UInt64(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try unsigned(value, key) }

    private func integer(_ value: Int64, _ key: Key) throws {
        try writeKey(key)
        writer.write(value)
    }

    private func unsigned(_ value: UInt64, _ key: Key) throws {
        try writeKey(key)
        writer.write(value)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try writeKey(key)
        try encoder.encode(value, parent: codingPath, key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        try? writeKey(key)
        return KeyedEncodingContainer(
            MessagePackKeyedEncoding<NestedKey>(
                encoder: encoder, slot: writer.beginContainer(isMap: true), codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        try? writeKey(key)
        return MessagePackUnkeyedEncoding(
            encoder: encoder, slot: writer.beginContainer(isMap: false), codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        _ = try? writer.addEntry(to: slot)
        writer.write("super")
        return MessagePackEncoder(writer: writer, maxDepth: encoder.maxDepth, userInfo: encoder.userInfo)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        try? writeKey(key)
        return MessagePackEncoder(writer: writer, maxDepth: encoder.maxDepth, userInfo: encoder.userInfo)
    }
}

/// The unkeyed container of ``MessagePackEncoder``: an array whose header is written when the message is finished.
struct MessagePackUnkeyedEncoding: UnkeyedEncodingContainer {
    let encoder: MessagePackEncoder
    let slot: Int
    let codingPath: [any CodingKey]
    private(set) var count = 0

    init(encoder: MessagePackEncoder, slot: Int, codingPath: [any CodingKey]) {
        self.encoder = encoder
        self.slot = slot
        self.codingPath = codingPath
    }

    private var writer: MessagePackWriter { encoder.writer }

    private mutating func next() throws {
        do throws(CodecError) { try writer.addEntry(to: slot) } catch {
            throw error.withCodingPath(codingPath + [IndexKey(count)])
        }
        count += 1
    }

    mutating func encodeNil() throws {
        try next()
        writer.writeNil()
    }
    mutating func encode(_ value: Bool) throws {
        try next()
        writer.write(value)
    }
    mutating func encode(_ value: String) throws {
        try next()
        writer.write(value)
    }
    mutating func encode(_ value: Double) throws {
        try next()
        writer.write(value)
    }
    mutating func encode(_ value: Float) throws {
        try next()
        writer.write(value)
    }
    mutating func encode(_ value: Int) throws { try integer(Int64(value)) }
    mutating func encode(_ value: Int8) throws { try integer(Int64(value)) }
    mutating func encode(_ value: Int16) throws { try integer(Int64(value)) }
    mutating func encode(_ value: Int32) throws { try integer(Int64(value)) }
    mutating func encode(_ value: Int64) throws { try integer(value) }
    mutating func encode(_ value: UInt) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { try unsigned(value) }

    private mutating func integer(_ value: Int64) throws {
        try next()
        writer.write(value)
    }

    private mutating func unsigned(_ value: UInt64) throws {
        try next()
        writer.write(value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = count
        try next()
        try encoder.encode(value, parent: codingPath, key: IndexKey(index))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let path = codingPath + [IndexKey(count)]
        try? next()
        return KeyedEncodingContainer(
            MessagePackKeyedEncoding<NestedKey>(
                encoder: encoder, slot: writer.beginContainer(isMap: true), codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [IndexKey(count)]
        try? next()
        return MessagePackUnkeyedEncoding(encoder: encoder, slot: writer.beginContainer(isMap: false), codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        try? next()
        return MessagePackEncoder(writer: writer, maxDepth: encoder.maxDepth, userInfo: encoder.userInfo)
    }
}
