internal import Foundation

/// A number that the target type cannot hold, reported as Foundation's decoder does: not as a `DecodingError` (its
/// `JSONError` becomes "not valid JSON" only when it leaves the decoder). Never leaves `JSONCodec`.
struct JSONTextNumberError: Error {}

/// A `Decoder` over a ``JSONTextTape`` that decodes what `JSONCodec`'s configured Foundation `JSONDecoder` decodes,
/// to the same values, and fails where it fails with the same kind of `DecodingError`.
///
/// Whatever it does not reproduce exactly, it leaves to Foundation: it sets ``needsFoundation`` and throws
/// ``JSONTextFallback``, and `JSONCodec` decodes the message again with Foundation (also when a type caught that error
/// and went on). Those cases: objects with a key that has escapes or bytes outside ASCII and coding keys outside ASCII
/// (Foundation matches keys as `String`s, which compare canonically equivalent Unicode as equal), integers outside the
/// target type or written with a fraction or an exponent at 2^53 and beyond (Foundation goes through `Decimal` there),
/// integers wider than 64 bits, `Decimal`, and `superDecoder`. Any error that leaves it makes `JSONCodec` decode the
/// message with Foundation as well, so that the error is Foundation's.
///
/// A decoder is used by one thread for one message; its state is not checked for exclusive access at run time.
final class JSONTextDecoder: Decoder {
    typealias Token = JSONTextTape.Token

    /// The payload; a copy the decoder owns once ``keepPayload()`` made one.
    @exclusivity(unchecked) private(set) var bytes: UnsafeRawBufferPointer
    @exclusivity(unchecked) private var ownedCopy: UnsafeMutableRawBufferPointer?
    let tokens: [Token]
    let userInfo: [CodingUserInfoKey: Any]
    /// Set when the message must be decoded by Foundation instead.
    @exclusivity(unchecked) var needsFoundation = false
    /// The token of the value that `init(from:)` is decoding.
    @exclusivity(unchecked) var current = 0
    @exclusivity(unchecked) var path: [JSONTextEncoder.PathComponent] = []
    @exclusivity(unchecked) private var scratch: [UInt8] = []

    init(bytes: UnsafeRawBufferPointer, tape: JSONTextTape, userInfo: [CodingUserInfoKey: Any]) {
        self.bytes = bytes
        tokens = tape.tokens
        self.userInfo = userInfo
    }

    deinit { ownedCopy?.deallocate() }

    /// Copies the payload into memory the decoder owns: called when the decoder (or one of its containers) outlives
    /// the decode, as Foundation's decoder copies its input then, since the caller's bytes may go away.
    func keepPayload() {
        guard ownedCopy == nil else { return }
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        if let source = bytes.baseAddress { copy.baseAddress!.copyMemory(from: source, byteCount: bytes.count) }
        ownedCopy = copy
        bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(copy)[0..<bytes.count])
    }

    var codingPath: [any CodingKey] { path.map(\.codingKey) }

    func codingPath(count: Int, appending component: JSONTextEncoder.PathComponent? = nil) -> [any CodingKey] {
        var keys = path[0..<min(count, path.count)].map(\.codingKey)
        if let component { keys.append(component.codingKey) }
        return keys
    }

    func fallback() -> JSONTextFallback {
        needsFoundation = true
        return JSONTextFallback()
    }

    // MARK: - Decoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try KeyedDecodingContainer(keyedContainer(at: current, pathCount: path.count))
    }

    func keyedContainer<Key: CodingKey>(at token: Int, pathCount: Int) throws -> JSONTextKeyedDecodingContainer<Key> {
        switch tokens[token].kind {
        case .object:
            return try JSONTextKeyedDecodingContainer(decoder: self, object: token, pathCount: pathCount)
        case .null:
            throw DecodingError.valueNotFound(
                [String: Any].self,
                .init(
                    codingPath: codingPath(count: pathCount),
                    debugDescription: "Cannot get keyed decoding container -- found null value instead"))
        default:
            throw typeMismatch([String: Any].self, token, codingPath(count: pathCount))
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try unkeyedContainer(at: current, pathCount: path.count)
    }

    func unkeyedContainer(at token: Int, pathCount: Int) throws -> JSONTextUnkeyedDecodingContainer {
        switch tokens[token].kind {
        case .array:
            return JSONTextUnkeyedDecodingContainer(decoder: self, array: token, pathCount: pathCount)
        case .null:
            throw DecodingError.valueNotFound(
                [Any].self,
                .init(
                    codingPath: codingPath(count: pathCount),
                    debugDescription: "Cannot get unkeyed decoding container -- found null value instead"))
        default:
            throw typeMismatch([Any].self, token, codingPath(count: pathCount))
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        JSONTextSingleValueDecodingContainer(decoder: self, token: current, pathCount: path.count)
    }

    // MARK: - Values

    /// Decodes the value at `token` as a `T`; `component` ends its coding path (none for a single-value container).
    func unwrap<T: Decodable>(_ type: T.Type, at token: Int, component: JSONTextEncoder.PathComponent?) throws -> T {
        // The types checked first are read directly (the casts are no-ops: `T` is that type), arrays of them without
        // a container, with the errors their own `init(from:)` would give.
        if T.self == String.self { return unsafeBitCast(try string(at: token, component), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try integer(Int.self, at: token, component), to: T.self) }
        if T.self == Double.self {
            return unsafeBitCast(try floatingPoint(Double.self, at: token, component), to: T.self)
        }
        if T.self == [Int].self {
            return unsafeBitCast(try array(at: token, component) { try $0.integer(Int.self, at: $1, $2) }, to: T.self)
        }
        if T.self == [String].self {
            return unsafeBitCast(try array(at: token, component) { try $0.string(at: $1, $2) }, to: T.self)
        }
        if T.self == [Double].self {
            return unsafeBitCast(
                try array(at: token, component) { try $0.floatingPoint(Double.self, at: $1, $2) }, to: T.self)
        }
        if T.self == Date.self {
            return unsafeBitCast(
                Date(timeIntervalSince1970: try floatingPoint(Double.self, at: token, component)), to: T.self)
        }
        if T.self == Data.self {
            if tokens[token].kind == .null { throw valueNotFound(Data.self, component) }
            guard tokens[token].kind == .string || tokens[token].kind == .escapedString else {
                throw typeMismatch(String.self, token, codingPath(count: path.count, appending: component))
            }
            guard let data = Data(base64Encoded: try string(at: token, component)) else {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: codingPath(count: path.count, appending: component),
                        debugDescription: "Encountered Data is not valid Base64."))
            }
            return unsafeBitCast(data, to: T.self)
        }
        if T.self == URL.self {
            if tokens[token].kind == .null { throw valueNotFound(URL.self, component) }
            guard let url = URL(string: try string(at: token, component)) else {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: codingPath(count: path.count, appending: component),
                        debugDescription: "Invalid URL string."))
            }
            return unsafeBitCast(url, to: T.self)
        }
        if T.self == Decimal.self { throw fallback() }
        let saved = current
        current = token
        if let component { path.append(component) }
        defer {
            current = saved
            if component != nil { path.removeLast() }
        }
        return try T(from: self)
    }

    /// The elements of the array at `token`, each read by `element`.
    private func array<Element>(
        at token: Int, _ component: JSONTextEncoder.PathComponent?,
        _ element: (JSONTextDecoder, Int, JSONTextEncoder.PathComponent?) throws -> Element
    ) throws -> [Element] {
        let found = tokens[token]
        switch found.kind {
        case .array: break
        case .null:
            throw DecodingError.valueNotFound(
                [Any].self,
                .init(
                    codingPath: codingPath(count: path.count, appending: component),
                    debugDescription: "Cannot get unkeyed decoding container -- found null value instead"))
        default:
            throw typeMismatch([Any].self, token, codingPath(count: path.count, appending: component))
        }
        var elements: [Element] = []
        elements.reserveCapacity(found.length)
        var next = token + 1
        if let component { path.append(component) }
        defer { if component != nil { path.removeLast() } }
        for index in 0..<found.length {
            elements.append(try element(self, next, .index(index)))
            next = tokens[next].next
        }
        return elements
    }

    func string(at token: Int, _ component: JSONTextEncoder.PathComponent?) throws -> String {
        let found = tokens[token]
        switch found.kind {
        case .string:
            return String(
                decoding: UnsafeRawBufferPointer(rebasing: bytes[found.start..<found.start + found.length]),
                as: UTF8.self)
        case .escapedString:
            return unescape(found)
        case .null:
            throw valueNotFound(String.self, component)
        default:
            throw typeMismatch(String.self, token, codingPath(count: path.count, appending: component))
        }
    }

    func bool(at token: Int, _ component: JSONTextEncoder.PathComponent?) throws -> Bool {
        switch tokens[token].kind {
        case .true: return true
        case .false: return false
        default: throw typeMismatch(Bool.self, token, codingPath(count: path.count, appending: component))
        }
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type, at token: Int, _ component: JSONTextEncoder.PathComponent?)
        throws -> T
    {
        let found = tokens[token]
        switch found.kind {
        case .integer:
            guard T.bitWidth <= 64 else { throw fallback() }
            var index = found.start
            let end = found.start + found.length
            let negative = bytes[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            var magnitude: UInt64 = 0
            while index < end {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[index] &- UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { throw fallback() }
                magnitude = sum
                index += 1
            }
            if negative {
                guard T.isSigned, magnitude <= UInt64(T.min.magnitude) else { throw fallback() }
                return T(truncatingIfNeeded: 0 &- magnitude)
            }
            guard magnitude <= UInt64(T.max) else { throw fallback() }
            return T(truncatingIfNeeded: magnitude)
        case .number:
            // Foundation's slow path: through a Double, exactly, below 2^53; beyond that it takes a Decimal.
            guard T.bitWidth <= 64, let double = Double(numberText(found)) else { throw fallback() }
            guard let value = T(exactly: double) else { throw JSONTextNumberError() }
            guard double.magnitude < 9_007_199_254_740_992 else { throw fallback() }
            return value
        case .null:
            throw valueNotFound(T.self, component)
        default:
            throw typeMismatch(T.self, token, codingPath(count: path.count, appending: component))
        }
    }

    func floatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>(
        _ type: T.Type, at token: Int, _ component: JSONTextEncoder.PathComponent?
    ) throws -> T {
        let found = tokens[token]
        switch found.kind {
        case .integer, .number:
            guard let value = T(numberText(found)), value.isFinite else { throw JSONTextNumberError() }
            if value == 0 && !isTrueZero(found) { throw JSONTextNumberError() }
            return value
        case .null:
            throw valueNotFound(T.self, component)
        default:
            throw typeMismatch(T.self, token, codingPath(count: path.count, appending: component))
        }
    }

    /// Whether Foundation takes a number that parsed as zero for a true zero rather than an underflow: its check, in
    /// its order. It reads the text four bytes at a time from the front and the last one to three bytes from the back,
    /// and stops at the first non-zero digit (an underflow) or `e`/`E` (a zero); so `0e5` counts as an underflow.
    private func isTrueZero(_ token: Token) -> Bool {
        @inline(__always) func check(_ offset: Int) -> Bool? {
            let byte = bytes[offset]
            if byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9") { return false }
            if byte | 0x20 == UInt8(ascii: "e") { return true }
            return nil
        }
        var offset = token.start
        var remaining = token.length
        while remaining >= 4 {
            for step in 0..<4 {
                if let result = check(offset + step) { return result }
            }
            offset += 4
            remaining -= 4
        }
        for step in stride(from: remaining - 1, through: 0, by: -1) {
            if let result = check(offset + step) { return result }
        }
        return true
    }

    private func numberText(_ token: Token) -> String {
        String(
            decoding: UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.start + token.length]), as: UTF8.self)
    }

    /// The text of a string with escapes (the tape checked them).
    private func unescape(_ token: Token) -> String {
        scratch.removeAll(keepingCapacity: true)
        var index = token.start
        let end = token.start + token.length
        while index < end {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                scratch.append(byte)
                index += 1
                continue
            }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0c)
            case UInt8(ascii: "n"): scratch.append(0x0a)
            case UInt8(ascii: "r"): scratch.append(0x0d)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(JSONTextTape.hex4(bytes, index)!)
                index += 4
                if UTF16.isLeadSurrogate(UInt16(scalar)) {
                    let low = UInt32(JSONTextTape.hex4(bytes, index + 2)!)
                    index += 6
                    scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
                }
                scratch.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
            default: scratch.append(escape)
            }
        }
        return String(decoding: scratch, as: UTF8.self)
    }

    // MARK: - Errors

    func typeMismatch(_ type: Any.Type, _ token: Int, _ path: [any CodingKey]) -> DecodingError {
        let found: String
        switch tokens[token].kind {
        case .null: found = "null"
        case .true, .false: found = "bool"
        case .integer, .number: found = "number"
        case .string, .escapedString: found = "string"
        case .array: found = "array"
        case .object: found = "dictionary"
        }
        return DecodingError.typeMismatch(
            type, .init(codingPath: path, debugDescription: "Expected to decode \(type) but found \(found) instead."))
    }

    func valueNotFound(_ type: Any.Type, _ component: JSONTextEncoder.PathComponent?) -> DecodingError {
        DecodingError.valueNotFound(
            type,
            .init(
                codingPath: codingPath(count: path.count, appending: component),
                debugDescription: "Cannot get value of type \(type) -- found null value instead"))
    }
}
