internal import Foundation

/// The Codable `Decoder` of ``MessagePackCodec``, reading in place from a payload that
/// ``MessagePackBytes/validate(at:maxDepth:)`` accepted.
///
/// One decoder object serves a whole message: decoding a nested value moves it to the value's offset and back, so
/// that no decoder is allocated per field.
final class MessagePackDecoder: Decoder {
    @exclusivity(unchecked) private(set) var bytes: MessagePackBytes
    /// The offset of the value this decoder currently stands for.
    @exclusivity(unchecked) var offset: Int
    @exclusivity(unchecked) var codingPath: [any CodingKey] = []
    @exclusivity(unchecked) var userInfo: [CodingUserInfoKey: Any]
    /// Key indexes kept for the next keyed containers: one is reused once no container holds it any more. Each
    /// holds this decoder: ``dropIndexes()`` breaks the cycle when the decoder is no longer used.
    @exclusivity(unchecked) private var indexes: [MessagePackKeyIndex] = []
    /// The types recently found to be (or not to be) optionals.
    @exclusivity(unchecked) var optionalTypes = MessagePackOptionalTypes()
    /// The types recently found to be (or not to be) ``MessagePackCodable``.
    @exclusivity(unchecked) private var generatedTypes = MessagePackGeneratedTypes()
    /// Whether this decoder keeps indexes (the thread's decoder does; decoders made for one use do not).
    private let keepsIndexes: Bool

    init(
        bytes: MessagePackBytes, offset: Int, keepsIndexes: Bool = false, userInfo: [CodingUserInfoKey: Any] = [:]
    ) {
        self.bytes = bytes
        self.offset = offset
        self.userInfo = userInfo
        self.keepsIndexes = keepsIndexes
    }

    /// Lets go of the kept indexes.
    func dropIndexes() { indexes.removeAll() }

    /// Makes the decoder ready for a new message in `bytes`.
    func prepare(bytes: MessagePackBytes, userInfo: [CodingUserInfoKey: Any]) {
        self.bytes = bytes
        self.userInfo = userInfo
        offset = 0
        codingPath = []
    }

    func failure(_ error: CodecError, _ path: [any CodingKey]) -> CodecError {
        error.withCodingPath(path)
    }

    /// An index no container holds, filled for the map `header`.
    private func index(for header: MessagePackHeader) throws(CodecError) -> MessagePackKeyIndex {
        for position in indexes.indices where isKnownUniquelyReferenced(&indexes[position]) {
            try indexes[position].fill(decoder: self, header: header, codingPath: codingPath)
            return indexes[position]
        }
        let index = MessagePackKeyIndex(decoder: self)
        try index.fill(decoder: self, header: header, codingPath: codingPath)
        if keepsIndexes, indexes.count < 8 { indexes.append(index) }
        return index
    }

    /// The index of the map at the decoder's offset.
    ///
    /// - Throws: `typeMismatch` when the value there is not a map, with the decoder's coding path.
    func mapIndex() throws(CodecError) -> MessagePackKeyIndex {
        do throws(CodecError) {
            let header = try bytes.header(at: offset)
            guard header.kind == .map else { throw bytes.mismatch(header, expected: "a map", at: offset) }
            return try index(for: header)
        } catch {
            throw failure(error, codingPath)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(MessagePackKeyedDecoding<Key>(index: try mapIndex()))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        do throws(CodecError) {
            let header = try bytes.header(at: offset)
            guard header.kind == .array else { throw bytes.mismatch(header, expected: "an array", at: offset) }
            return MessagePackUnkeyedDecoding(decoder: self, header: header, codingPath: codingPath)
        } catch {
            throw failure(error, codingPath)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        MessagePackSingleValueDecoding(decoder: self, offset: offset, codingPath: codingPath)
    }

    /// Decodes the value at `offset` as `T`: scalars and arrays of scalars (see ``decodeLeaf(_:as:at:path:)``), byte
    /// arrays, `Data`, `Date` and ``Value`` directly, anything else
    /// through its `init(from:)` with this decoder moved to `offset`. The coding path is `parent` followed by `key`,
    /// built only when it is needed (a nested `init(from:)` or an error). `leavesChecked` says that the caller has
    /// already tried ``decodeLeaf(_:as:at:path:)``.
    func decode<T: Decodable>(
        _ type: T.Type, at offset: Int, parent: [any CodingKey], key: (any CodingKey)?, leavesChecked: Bool = false
    ) throws -> T {
        var path: [any CodingKey] { key.map { parent + [$0] } ?? parent }
        do throws(CodecError) {
            if !leavesChecked, let leaf = MessagePackLeaf.of(type) {
                return try decodeLeaf(leaf, as: type, at: offset, path: { path })
            }
            if T.self == Value.self { return try decodeValue(at: offset) as! T }
            if T.self == Date.self { return try bytes.date(bytes.header(at: offset), at: offset) as! T }
            if T.self == [UInt8].self || T.self == Data.self {
                let header = try bytes.header(at: offset)
                if header.kind != .array {
                    let payload = try bytes.bytes(header, at: offset)
                    return (T.self == Data.self ? Data(payload) as Any : [UInt8](payload) as Any) as! T
                }
            }
        } catch {
            throw failure(error, path)
        }
        if let direct = generatedTypes.generated(T.self) {
            return try scoped(offset: offset, path: path) { decoder in
                try decoder.decodeGenerated(direct, as: T.self)
            }
        }
        return try scoped(offset: offset, path: path) { try T(from: $0) }
    }

    /// Decodes the value at the decoder's offset with the generated coder of `type`, which is `T`.
    private func decodeGenerated<G: MessagePackCodable, T>(_ type: G.Type, as: T.Type) throws -> T {
        assert(G.self == T.self, "the generated coder of another type")
        let value = try G(messagePack: MessagePackMapReader(index: mapIndex()))
        return withUnsafePointer(to: value) { UnsafeRawPointer($0).assumingMemoryBound(to: T.self).pointee }
    }

    /// Decodes the value at `offset` as a ``Value``, recursively (the payload's depth was already checked).
    func decodeValue(at offset: Int) throws(CodecError) -> Value {
        var next = offset
        return try decodeValue(at: offset, next: &next)
    }

    /// Decodes the value at `offset` as a ``Value`` and sets `next` to the offset after it.
    func decodeValue(at offset: Int, next: inout Int) throws(CodecError) -> Value {
        let header = try bytes.header(at: offset)
        next = header.next
        switch header.kind {
        case .null: return .null
        case .bool: return .bool(header.bits == 1)
        case .int: return .int(Int64(bitPattern: header.bits))
        case .uint: return header.bits <= UInt64(Int64.max) ? .int(Int64(header.bits)) : .uint(header.bits)
        case .float32, .float64: return .double(try bytes.double(header, at: offset))
        case .string: return .string(try bytes.string(header, at: offset))
        case .binary: return .bytes([UInt8](bytes.payload(header)))
        case .ext:
            if header.extType == -1 { return .date(try bytes.date(header, at: offset)) }
            return .extension(type: header.extType, data: [UInt8](bytes.payload(header)))
        case .array:
            var elements: [Value] = []
            elements.reserveCapacity(Int(header.bits))
            for _ in 0..<header.bits {
                elements.append(try decodeValue(at: next, next: &next))
            }
            return .array(elements)
        case .map:
            var pairs: [(key: Value, value: Value)] = []
            pairs.reserveCapacity(Int(header.bits))
            for _ in 0..<header.bits {
                let key = try decodeValue(at: next, next: &next)
                pairs.append((key: key, value: try decodeValue(at: next, next: &next)))
            }
            return .map(pairs)
        }
    }
}

/// An index in an array, as a coding key.
struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "[\(intValue ?? 0)]" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.intValue = intValue }
}

/// The single-value container of ``MessagePackDecoder``.
struct MessagePackSingleValueDecoding: SingleValueDecodingContainer {
    let decoder: MessagePackDecoder
    let offset: Int
    let codingPath: [any CodingKey]

    private var bytes: MessagePackBytes { decoder.bytes }

    func decodeNil() -> Bool { offset < bytes.count && bytes.byte(offset) == 0xc0 }

    private func scalar<R>(_ body: (MessagePackHeader) throws(CodecError) -> R) throws -> R {
        do throws(CodecError) { return try body(try bytes.header(at: offset)) } catch {
            throw error.withCodingPath(codingPath)
        }
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        try scalar { header throws(CodecError) in try bytes.bool(header, at: offset) }
    }
    func decode(_ type: String.Type) throws -> String {
        try scalar { h throws(CodecError) in try bytes.string(h, at: offset) }
    }
    func decode(_ type: Double.Type) throws -> Double {
        try scalar { h throws(CodecError) in try bytes.double(h, at: offset) }
    }
    func decode(_ type: Float.Type) throws -> Float {
        try scalar { h throws(CodecError) in try bytes.float(h, at: offset) }
    }
    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        try scalar { h throws(CodecError) in try bytes.integer(h, as: T.self, at: offset) }
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.decode(type, at: offset, parent: codingPath, key: nil)
    }
}
