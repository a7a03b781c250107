/// Direct encoding of the leaf types that Codable would otherwise route through a container per value.
///
/// `Array<Int>.encode(to:)` and every other generic path call `encode<T>` with the element type unknown to the
/// compiler; going through `T.encode(to:)` then costs a container, an existential and a generic metadata lookup
/// per element. Comparing metatypes first (a pointer comparison) lets the common scalars and arrays of scalars be
/// written directly, with the same bytes.
extension MessagePackEncoder {
    /// Writes `value` when `T` is a scalar (`Bool`, `String`, a number) or an array of `Int`, `Double`, `String` or
    /// `Bool`, and returns `true`; returns `false` for any other type.
    ///
    /// - Throws: `invalidValue` for an array when the encoder is already at the depth limit (an array counts as one
    ///   level, as in the Codable route; scalars count as none).
    func encodeLeaf<T>(_ value: T, path: () -> [any CodingKey]) throws(CodecError) -> Bool {
        if T.self == Int.self {
            writer.write(Int64(unsafeBitCast(value, to: Int.self)))
        } else if T.self == String.self {
            writer.write(unsafeBitCast(value, to: String.self))
        } else if T.self == Double.self {
            writer.write(unsafeBitCast(value, to: Double.self))
        } else if T.self == Bool.self {
            writer.write(unsafeBitCast(value, to: Bool.self))
        } else if T.self == [Int].self {
            guard depth < maxDepth else { throw tooDeep(path()) }
            writer.write(unsafeBitCast(value, to: [Int].self))
        } else if T.self == [String].self {
            try array(unsafeBitCast(value, to: [String].self), path) { writer.write($0) }
        } else if T.self == [Double].self {
            try array(unsafeBitCast(value, to: [Double].self), path) { writer.write($0) }
        } else if T.self == [Bool].self {
            try array(unsafeBitCast(value, to: [Bool].self), path) { writer.write($0) }
        } else if T.self == Float.self {
            writer.write(unsafeBitCast(value, to: Float.self))
        } else if T.self == Int64.self {
            writer.write(unsafeBitCast(value, to: Int64.self))
        } else if T.self == UInt64.self {
            writer.write(unsafeBitCast(value, to: UInt64.self))
        } else if T.self == Int32.self {
            writer.write(Int64(unsafeBitCast(value, to: Int32.self)))
        } else if T.self == UInt32.self {
            writer.write(UInt64(unsafeBitCast(value, to: UInt32.self)))
        } else if T.self == UInt.self {
            writer.write(UInt64(unsafeBitCast(value, to: UInt.self)))
        } else if T.self == Int16.self {
            writer.write(Int64(unsafeBitCast(value, to: Int16.self)))
        } else if T.self == UInt16.self {
            writer.write(UInt64(unsafeBitCast(value, to: UInt16.self)))
        } else if T.self == Int8.self {
            writer.write(Int64(unsafeBitCast(value, to: Int8.self)))
        } else if T.self == UInt8.self {
            writer.write(UInt64(unsafeBitCast(value, to: UInt8.self)))
        } else {
            return false
        }
        return true
    }

    /// Writes an array of known length: its header, then each element with `element`.
    private func array<E>(_ elements: [E], _ path: () -> [any CodingKey], _ element: (E) -> Void) throws(CodecError) {
        guard depth < maxDepth else { throw tooDeep(path()) }
        writer.writeArrayHeader(elements.count)
        for item in elements { element(item) }
    }
}
