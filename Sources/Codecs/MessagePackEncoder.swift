internal import Foundation

/// The Codable `Encoder` of ``MessagePackCodec``, streaming through a ``MessagePackWriter``.
///
/// One encoder object serves a whole message: encoding a nested value records where it starts and restores the
/// state afterwards, so no encoder is allocated per field. A value whose `encode(to:)` writes nothing is written
/// as an empty map, as Foundation's JSONEncoder writes `{}`.
final class MessagePackEncoder: Encoder {
    let writer: MessagePackWriter
    @exclusivity(unchecked) private(set) var maxDepth: Int
    @exclusivity(unchecked) var codingPath: [any CodingKey] = []
    @exclusivity(unchecked) var userInfo: [CodingUserInfoKey: Any]
    @exclusivity(unchecked) private(set) var depth = 0
    /// The writer offset where the value being encoded starts.
    @exclusivity(unchecked) private var valueStart = 0
    /// The types recently found to be (or not to be) optionals.
    @exclusivity(unchecked) var optionalTypes = MessagePackOptionalTypes()
    /// The types recently found to be (or not to be) ``MessagePackCodable``.
    @exclusivity(unchecked) private var generatedTypes = MessagePackGeneratedTypes()
    /// The map opened for the value being encoded, reused when `container(keyedBy:)` is called again.
    @exclusivity(unchecked) private var valueMapSlot = -1

    init(writer: MessagePackWriter, maxDepth: Int, userInfo: [CodingUserInfoKey: Any] = [:]) {
        self.writer = writer
        self.maxDepth = maxDepth
        self.userInfo = userInfo
    }

    /// Makes the encoder (and its writer) ready for a new message, `headerRoom` bytes into the buffer.
    func prepare(maxDepth: Int, headerRoom: Int = 0, userInfo: [CodingUserInfoKey: Any] = [:]) {
        writer.reset(headerRoom: headerRoom)
        self.maxDepth = maxDepth
        self.userInfo = userInfo
        codingPath = []
        depth = 0
        valueStart = 0
        valueMapSlot = -1
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if valueMapSlot < 0 {
            valueMapSlot = writer.beginContainer(isMap: true)
        }
        return KeyedEncodingContainer(
            MessagePackKeyedEncoding<Key>(encoder: self, slot: valueMapSlot, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        MessagePackUnkeyedEncoding(encoder: self, slot: writer.beginContainer(isMap: false), codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        MessagePackSingleValueEncoding(encoder: self, codingPath: codingPath)
    }

    func tooDeep(_ path: [any CodingKey]) -> CodecError {
        CodecError(
            .invalidValue, "the value nests deeper than the limit of \(maxDepth)", codec: "msgpack",
            codingPath: CodecError.path(path))
    }

    /// Encodes `value` at the current position: scalars and arrays of scalars directly (see
    /// ``encodeLeaf(_:path:)``), byte arrays, `Data` and `Date` directly, ``Value`` without Codable,
    /// anything else through its `encode(to:)`. The coding path is `parent` followed by `key`, built only when
    /// needed.
    func encode<T: Encodable>(_ value: T, parent: [any CodingKey], key: (any CodingKey)?) throws {
        var path: [any CodingKey] { key.map { parent + [$0] } ?? parent }
        if try encodeLeaf(value, path: { path }) { return }
        // Type comparisons (a pointer each), not value casts: an empty `[Int]` would cast to `[UInt8]`.
        if T.self == [UInt8].self {
            unsafeBitCast(value, to: [UInt8].self).withUnsafeBytes { writer.writeBinary($0) }
        } else if T.self == Data.self {
            (value as! Data).withUnsafeBytes { writer.writeBinary($0) }
        } else if T.self == Date.self {
            do throws(CodecError) { try writer.write(value as! Date) } catch { throw error.withCodingPath(path) }
        } else if T.self == Value.self {
            do throws(CodecError) { try write(value as! Value, depth: depth) } catch {
                throw error.withCodingPath(path)
            }
        } else {
            guard depth < maxDepth else { throw tooDeep(path) }
            let saved = (valueStart, valueMapSlot, codingPath)
            valueStart = writer.size
            valueMapSlot = -1
            codingPath = path
            depth += 1
            defer {
                (valueStart, valueMapSlot, codingPath) = saved
                depth -= 1
            }
            if let direct = generatedTypes.generated(T.self) {
                try withUnsafePointer(to: value) { try encodeGenerated(direct, UnsafeRawPointer($0)) }
            } else {
                try value.encode(to: self)
            }
            if writer.size == valueStart {
                _ = writer.beginContainer(isMap: true)
            }
        }
    }

    /// Encodes the value of type `type` at `pointer` with its generated coder (`type` is the value's own type, as a
    /// ``MessagePackCodable`` type: no cast of the value is needed).
    private func encodeGenerated<G: MessagePackCodable>(_ type: G.Type, _ pointer: UnsafeRawPointer) throws {
        try pointer.assumingMemoryBound(to: G.self).pointee.encodeMessagePack(to: MessagePackMapWriter(encoder: self))
    }

    /// Writes a ``Value`` directly.
    ///
    /// - Throws: `invalidValue` for a value nested deeper than the limit or an unencodable date.
    func write(_ value: Value, depth: Int) throws(CodecError) {
        switch value {
        case .null: writer.writeNil()
        case .bool(let flag): writer.write(flag)
        case .int(let number): writer.write(number)
        case .uint(let number): writer.write(number)
        case .double(let number): writer.write(number)
        case .string(let text): writer.write(text)
        case .bytes(let bytes): bytes.withUnsafeBytes { writer.writeBinary($0) }
        case .date(let date): try writer.write(date)
        case .extension(let type, let data):
            // Type -1 is the timestamp: its bytes would decode as a date (or not at all), never as this value.
            guard type != -1 else {
                throw CodecError(
                    .invalidValue, "extension type -1 is the MessagePack timestamp; carry dates as Value.date",
                    codec: "msgpack", codingPath: CodecError.path(codingPath))
            }
            data.withUnsafeBytes { writer.writeExtension(type: type, $0) }
        case .array(let elements):
            guard depth < maxDepth else { throw tooDeep(codingPath) }
            writer.writeArrayHeader(elements.count)
            for element in elements { try write(element, depth: depth + 1) }
        case .map(let pairs):
            guard depth < maxDepth else { throw tooDeep(codingPath) }
            writer.writeMapHeader(pairs.count)
            for pair in pairs {
                try write(pair.key, depth: depth + 1)
                try write(pair.value, depth: depth + 1)
            }
        }
    }
}

/// The single-value container of ``MessagePackEncoder``.
struct MessagePackSingleValueEncoding: SingleValueEncodingContainer {
    let encoder: MessagePackEncoder
    let codingPath: [any CodingKey]

    private var writer: MessagePackWriter { encoder.writer }

    mutating func encodeNil() throws { writer.writeNil() }
    mutating func encode(_ value: Bool) throws { writer.write(value) }
    mutating func encode(_ value: String) throws { writer.write(value) }
    mutating func encode(_ value: Double) throws { writer.write(value) }
    mutating func encode(_ value: Float) throws { writer.write(value) }
    mutating func encode(_ value: Int) throws { writer.write(Int64(value)) }
    mutating func encode(_ value: Int8) throws { writer.write(Int64(value)) }
    mutating func encode(_ value: Int16) throws { writer.write(Int64(value)) }
    mutating func encode(_ value: Int32) throws { writer.write(Int64(value)) }
    mutating func encode(_ value: Int64) throws { writer.write(value) }
    mutating func encode(_ value: UInt) throws { writer.write(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { writer.write(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { writer.write(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { writer.write(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { writer.write(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encoder.encode(value, parent: codingPath, key: nil) }
}
