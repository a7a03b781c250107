/// Direct decoding of the leaf types that Codable would otherwise route through a container per value.
///
/// `Array<Int>.init(from:)` and every other generic path call `decode<T>` with the element type unknown to the
/// compiler; going through `T.init(from:)` then costs a single-value container, an existential and a generic
/// metadata lookup per element. Comparing metatypes first (a pointer comparison) lets the common scalars and arrays
/// of scalars be read in place. The results, errors and coding paths are the same as the Codable route's.
/// The leaf types read directly, named without generics: a generic `T?` result would cost a look-up of `Optional<T>`'s
/// metadata on every call from code the compiler did not specialize.
enum MessagePackLeaf {
    case int, string, double, bool, ints, strings, doubles, bools, float, int64, uint64, int32, uint32, uint, int16,
        uint16, int8, uint8

    /// The leaf kind of `T`, or `nil` for any other type (metatype comparisons, most common first).
    @inline(__always)
    static func of<T>(_ type: T.Type) -> MessagePackLeaf? {
        if T.self == Int.self { return .int }
        if T.self == String.self { return .string }
        if T.self == Double.self { return .double }
        if T.self == Bool.self { return .bool }
        if T.self == [Int].self { return .ints }
        if T.self == [String].self { return .strings }
        if T.self == [Double].self { return .doubles }
        if T.self == [Bool].self { return .bools }
        if T.self == Float.self { return .float }
        if T.self == Int64.self { return .int64 }
        if T.self == UInt64.self { return .uint64 }
        if T.self == Int32.self { return .int32 }
        if T.self == UInt32.self { return .uint32 }
        if T.self == UInt.self { return .uint }
        if T.self == Int16.self { return .int16 }
        if T.self == UInt16.self { return .uint16 }
        if T.self == Int8.self { return .int8 }
        if T.self == UInt8.self { return .uint8 }
        return nil
    }
}

extension MessagePackDecoder {
    /// Decodes the value at `offset` as `T`, a scalar (`Bool`, `String`, a number) or an array of `Int`, `Double`,
    /// `String` or `Bool`, whose kind `leaf` is (``MessagePackLeaf/of(_:)``).
    ///
    /// - Throws: The errors of the matching single-value or unkeyed decode, without coding path.
    func decodeLeaf<T>(
        _ leaf: MessagePackLeaf, as type: T.Type, at offset: Int, path: () -> [any CodingKey]
    ) throws(CodecError) -> T {
        switch leaf {
        case .int: return unsafeBitCast(try read(at: offset, integer(Int.self)), to: T.self)
        case .string: return unsafeBitCast(try read(at: offset, bytes.string), to: T.self)
        case .double: return unsafeBitCast(try read(at: offset, bytes.double), to: T.self)
        case .bool: return unsafeBitCast(try read(at: offset, bytes.bool), to: T.self)
        case .ints: return unsafeBitCast(try array(at: offset, path, integer(Int.self)), to: T.self)
        case .strings: return unsafeBitCast(try array(at: offset, path, bytes.string), to: T.self)
        case .doubles: return unsafeBitCast(try array(at: offset, path, bytes.double), to: T.self)
        case .bools: return unsafeBitCast(try array(at: offset, path, bytes.bool), to: T.self)
        case .float: return unsafeBitCast(try read(at: offset, bytes.float), to: T.self)
        case .int64: return unsafeBitCast(try read(at: offset, integer(Int64.self)), to: T.self)
        case .uint64: return unsafeBitCast(try read(at: offset, integer(UInt64.self)), to: T.self)
        case .int32: return unsafeBitCast(try read(at: offset, integer(Int32.self)), to: T.self)
        case .uint32: return unsafeBitCast(try read(at: offset, integer(UInt32.self)), to: T.self)
        case .uint: return unsafeBitCast(try read(at: offset, integer(UInt.self)), to: T.self)
        case .int16: return unsafeBitCast(try read(at: offset, integer(Int16.self)), to: T.self)
        case .uint16: return unsafeBitCast(try read(at: offset, integer(UInt16.self)), to: T.self)
        case .int8: return unsafeBitCast(try read(at: offset, integer(Int8.self)), to: T.self)
        case .uint8: return unsafeBitCast(try read(at: offset, integer(UInt8.self)), to: T.self)
        }
    }

    /// Reads one scalar: `body` gets the item's header and offset.
    @inline(__always)
    private func read<E>(
        at offset: Int, _ body: (MessagePackHeader, Int) throws(CodecError) -> E
    ) throws(CodecError) -> E {
        try body(bytes.header(at: offset), offset)
    }

    private func integer<I: FixedWidthInteger>(
        _ type: I.Type
    ) -> (MessagePackHeader, Int) throws(CodecError) -> I {
        { [bytes] header, offset throws(CodecError) in try bytes.integer(header, as: I.self, at: offset) }
    }

    /// Decodes the array at `offset` element by element with `element`; an element's error gets `path` followed by
    /// the element's index as coding path.
    private func array<E>(
        at offset: Int, _ path: () -> [any CodingKey], _ element: (MessagePackHeader, Int) throws(CodecError) -> E
    ) throws(CodecError) -> [E] {
        let header = try bytes.header(at: offset)
        guard header.kind == .array else { throw bytes.mismatch(header, expected: "an array", at: offset) }
        let count = Int(header.bits)
        var result: [E] = []
        result.reserveCapacity(count)
        var position = header.payload
        for index in 0..<count {
            do throws(CodecError) {
                let item = try bytes.header(at: position)
                result.append(try element(item, position))
                position = item.next
            } catch {
                throw error.withCodingPath(path() + [IndexKey(index)])
            }
        }
        return result
    }
}
