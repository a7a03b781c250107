internal import Foundation

/// The Codable `Decoder` of ``MessagePackCodec``, reading in place from a payload that
/// ``MessagePackBytes/validate(at:maxDepth:depth:)`` accepted.
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
    /// Field walks kept for the next ``MessagePackCodable`` values, reused like the indexes.
    @exclusivity(unchecked) private var walks: [MessagePackFieldWalk] = []
    /// The types recently found to be (or not to be) optionals.
    @exclusivity(unchecked) var optionalTypes = MessagePackOptionalTypes()
    /// The types recently found to be (or not to be) ``MessagePackCodable``.
    @exclusivity(unchecked) private var generatedTypes = MessagePackGeneratedTypes()
    /// The nesting limit of a payload not validated yet (see ``decodeTopLevel(_:maxDepth:)``).
    @exclusivity(unchecked) private var deferredValidation: Int?
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
    func dropIndexes() {
        indexes.removeAll()
        walks.removeAll()
    }

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

    /// An index no container holds, filled for the map `header`. The top-level map of a payload whose validation was
    /// deferred (see ``decodeTopLevel(_:maxDepth:)``) is validated while it is indexed.
    private func index(for header: MessagePackHeader) throws(CodecError) -> MessagePackKeyIndex {
        guard let maxDepth = deferredValidation else { return try keyIndex(for: header, codingPath: codingPath) }
        guard offset == 0 else {
            try validateDeferred()
            return try keyIndex(for: header, codingPath: codingPath)
        }
        // What `MessagePackBytes.validate` checks of the map itself, then its entries while they are indexed.
        let items = Int(header.bits) * 2
        guard items <= bytes.count - header.payload else {
            throw bytes.error(
                .countExceedsInput,
                "a container declares \(header.bits) elements but only \(bytes.count - header.payload) bytes remain",
                at: 0)
        }
        guard maxDepth > 0 else {
            throw bytes.error(.depthLimitExceeded, "nesting is deeper than the limit of \(maxDepth)", at: 0)
        }
        let index = reusableIndex()
        let end = try index.fill(decoder: self, header: header, codingPath: codingPath, validating: maxDepth)
        deferredValidation = nil
        guard end == bytes.count else { throw trailingBytes(after: end) }
        return index
    }

    /// An index no container holds, filled for the map `header` at `codingPath`.
    func keyIndex(for header: MessagePackHeader, codingPath: [any CodingKey]) throws(CodecError) -> MessagePackKeyIndex
    {
        let index = reusableIndex()
        try index.fill(decoder: self, header: header, codingPath: codingPath)
        return index
    }

    /// An index no container holds (kept for reuse when this decoder keeps indexes).
    private func reusableIndex() -> MessagePackKeyIndex {
        for position in indexes.indices where isKnownUniquelyReferenced(&indexes[position]) {
            return indexes[position]
        }
        let index = MessagePackKeyIndex(decoder: self)
        if keepsIndexes, indexes.count < 8 { indexes.append(index) }
        return index
    }

    /// The error for bytes after the value, which ends at `end`.
    func trailingBytes(after end: Int) -> CodecError {
        CodecError(.trailingBytes, "\(bytes.count - end) bytes follow the value", codec: "msgpack", byteOffset: end)
    }

    /// Validates the whole payload now, if its validation was deferred.
    ///
    /// - Throws: The errors of ``MessagePackBytes/validate(at:maxDepth:depth:)``, and `trailingBytes`.
    func validateDeferred() throws(CodecError) {
        guard let maxDepth = deferredValidation else { return }
        let end = try bytes.validate(at: 0, maxDepth: maxDepth)
        deferredValidation = nil
        guard end == bytes.count else { throw trailingBytes(after: end) }
    }

    /// Decodes the whole payload as `T`: a ``MessagePackCodable`` type in one walk (see
    /// ``decodeWalking(_:into:maxDepth:)``), anything else validated first, except that a map decoded by a `Codable`
    /// type is validated while its keyed container indexes it: one pass instead of two, with the same errors in the same order (every
    /// other first use of the decoder validates the whole payload first).
    ///
    /// - Throws: The errors of ``MessagePackCodec/decode(_:fromBytes:)``.
    func decodeTopLevel<T: Decodable>(_ type: T.Type, maxDepth: Int) throws -> T {
        if let generated = generatedTypes.generated(T.self) {
            return try withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { slot in
                if decodeWalking(generated, into: UnsafeMutableRawPointer(slot.baseAddress!), maxDepth: maxDepth) {
                    return slot.baseAddress!.move()
                }
                let end = try bytes.validate(at: 0, maxDepth: maxDepth)
                guard end == bytes.count else { throw trailingBytes(after: end) }
                return try decode(type, at: 0, parent: [], key: nil)
            }
        }
        let folds =
            MessagePackLeaf.of(type) == nil && T.self != Value.self && T.self != Date.self && T.self != [UInt8].self
            && T.self != Data.self && (try? bytes.header(at: 0))?.kind == .map
        deferredValidation = maxDepth
        defer { deferredValidation = nil }
        if !folds { try validateDeferred() }
        let value = try decode(type, at: 0, parent: [], key: nil)
        // A type that never opened a container, or that caught the validation's error and went on.
        try validateDeferred()
        return value
    }

    /// A field walk no reader holds.
    private func fieldWalk() -> MessagePackFieldWalk {
        for position in walks.indices where isKnownUniquelyReferenced(&walks[position]) {
            return walks[position]
        }
        let walk = MessagePackFieldWalk(decoder: self)
        if keepsIndexes, walks.count < 8 { walks.append(walk) }
        return walk
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
            try validateDeferred()
            let header = try bytes.header(at: offset)
            guard header.kind == .array else { throw bytes.mismatch(header, expected: "an array", at: offset) }
            return MessagePackUnkeyedDecoding(decoder: self, header: header, codingPath: codingPath)
        } catch {
            throw failure(error, codingPath)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        do throws(CodecError) { try validateDeferred() } catch { throw failure(error, codingPath) }
        return MessagePackSingleValueDecoding(decoder: self, offset: offset, codingPath: codingPath)
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

    /// Decodes the value at the decoder's offset (in a validated payload) with the generated coder of `type`, which
    /// is `T`.
    private func decodeGenerated<G: MessagePackCodable, T>(_ type: G.Type, as: T.Type) throws -> T {
        assert(G.self == T.self, "the generated coder of another type")
        let walk = fieldWalk()
        do throws(CodecError) {
            let header = try bytes.header(at: offset)
            guard header.kind == .map else { throw bytes.mismatch(header, expected: "a map", at: offset) }
            walk.start(
                decoder: self, header: header, at: offset, codingPath: codingPath, validated: true, depth: 1,
                maxDepth: 0)
        } catch {
            throw failure(error, codingPath)
        }
        let value = try G(messagePack: MessagePackMapReader(walk: walk))
        return withUnsafePointer(to: value) { UnsafeRawPointer($0).assumingMemoryBound(to: T.self).pointee }
    }

    /// Decodes the whole payload as the ``MessagePackCodable`` type `type` in one walk, without validating it first,
    /// into `result` (which holds a value of that type afterwards). Returns `false` when anything fails: the caller
    /// then decodes through the validating route, which gives the error the Codable route gives (a payload that fails
    /// one way fails the other, and errors cost the second pass only). No `Optional` of a generic type is made: its
    /// metadata would be looked up on every message.
    private func decodeWalking<G: MessagePackCodable>(
        _ type: G.Type, into result: UnsafeMutableRawPointer, maxDepth: Int
    ) -> Bool {
        guard maxDepth > 0, bytes.count > 0, bytes.byte(0) & 0xf0 == 0x80 || bytes.byte(0) >= 0xde,
            let header = try? bytes.header(at: 0), header.kind == .map
        else { return false }
        let walk = fieldWalk()
        walk.start(
            decoder: self, header: header, at: 0, codingPath: [], validated: false, depth: 1, maxDepth: maxDepth)
        do {
            let value = try G(messagePack: MessagePackMapReader(walk: walk))
            guard try walk.finish() == bytes.count else { return false }
            result.assumingMemoryBound(to: G.self).initialize(to: value)
            return true
        } catch {
            return false
        }
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
