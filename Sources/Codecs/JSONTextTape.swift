internal import Foundation

/// JSON text parsed in one pass without recursion into a flat list of tokens (``JSONTextDecoder`` reads it).
///
/// The parse is strict: RFC 8259 JSON in UTF-8, nothing but whitespace after the value, every string valid UTF-8 with
/// valid escapes (a high surrogate escape followed by a low one, no lone surrogate), no unescaped control character,
/// every number in the JSON grammar, and arrays and objects nested no deeper than the limit. Text it refuses is given
/// to Foundation (after `JSONScanner`'s checks), which is more lenient in places (it checks strings and numbers only
/// when a type reads them) and reports its own errors; so text this parse accepts is text Foundation accepts too.
struct JSONTextTape {
    enum Kind: UInt8 {
        case null, `true`, `false`
        /// A number without fraction or exponent.
        case integer
        /// A number with a fraction or an exponent.
        case number
        /// A string without escapes.
        case string
        /// A string with escapes.
        case escapedString
        case array, object
    }

    struct Token {
        var kind: Kind
        /// Strings: the offset after the opening quote; numbers: the first byte.
        var start: Int
        /// Strings: the bytes between the quotes; numbers: their length; arrays: their element count; objects: their
        /// entry count.
        var length: Int
        /// The index of the token after this value (after a container's last element).
        var next: Int
    }

    var tokens: [Token] = []

    /// Parses `bytes`; `nil` when the text is not strict JSON within `maxDepth`.
    static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int) -> JSONTextTape? {
        var tape = JSONTextTape()
        tape.tokens.reserveCapacity(min(bytes.count / 4 + 2, 4096))
        guard tape.scan(bytes, maxDepth: maxDepth) else { return nil }
        return tape
    }

    private mutating func scan(_ bytes: UnsafeRawBufferPointer, maxDepth: Int) -> Bool {
        let count = bytes.count
        var index = 0
        /// The open containers: their token index.
        var open: [Int] = []

        while true {
            // A value.
            Self.skipSpace(bytes, &index)
            guard index < count else { return false }
            let byte = bytes[index]
            let tokenIndex = tokens.count
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard open.count < maxDepth else { return false }
                tokens.append(
                    Token(kind: byte == UInt8(ascii: "{") ? .object : .array, start: index, length: 0, next: 0))
                open.append(tokenIndex)
                index &+= 1
                Self.skipSpace(bytes, &index)
                guard index < count else { return false }
                let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if bytes[index] == close {
                    index &+= 1
                    open.removeLast()
                    tokens[tokenIndex].next = tokens.count
                    break
                }
                if byte == UInt8(ascii: "{") {
                    guard bytes[index] == UInt8(ascii: "\""), scanString(bytes, &index), colon(bytes, &index) else {
                        return false
                    }
                }
                continue
            case UInt8(ascii: "\""):
                guard scanString(bytes, &index) else { return false }
            case UInt8(ascii: "t"):
                guard literal(bytes, &index, "true") else { return false }
                tokens.append(Token(kind: .true, start: index - 4, length: 4, next: tokenIndex + 1))
            case UInt8(ascii: "f"):
                guard literal(bytes, &index, "false") else { return false }
                tokens.append(Token(kind: .false, start: index - 5, length: 5, next: tokenIndex + 1))
            case UInt8(ascii: "n"):
                guard literal(bytes, &index, "null") else { return false }
                tokens.append(Token(kind: .null, start: index - 4, length: 4, next: tokenIndex + 1))
            default:
                guard scanNumber(bytes, &index) else { return false }
            }
            // After a value: a separator, a closing bracket or the end.
            while true {
                Self.skipSpace(bytes, &index)
                guard let container = open.last else {
                    return index == count
                }
                tokens[container].length += 1
                guard index < count else { return false }
                let byte = bytes[index]
                let isObject = tokens[container].kind == .object
                if byte == UInt8(ascii: ",") {
                    index &+= 1
                    if isObject {
                        Self.skipSpace(bytes, &index)
                        guard index < count, bytes[index] == UInt8(ascii: "\""), scanString(bytes, &index),
                            colon(bytes, &index)
                        else { return false }
                    }
                    break
                }
                guard byte == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { return false }
                index &+= 1
                open.removeLast()
                tokens[container].next = tokens.count
            }
        }
    }

    @inline(__always)
    private static func skipSpace(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09 else { return }
            index &+= 1
        }
    }

    private func literal(_ bytes: UnsafeRawBufferPointer, _ index: inout Int, _ text: StaticString) -> Bool {
        let length = text.utf8CodeUnitCount
        guard bytes.count - index >= length,
            memcmp(bytes.baseAddress! + index, text.utf8Start, length) == 0
        else { return false }
        index += length
        return true
    }

    private func colon(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) -> Bool {
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: ":") { return true }
            guard byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09 else { return false }
        }
        return false
    }

    /// Scans a string starting at its opening quote and records it (as the key or value it is).
    private mutating func scanString(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) -> Bool {
        let count = bytes.count
        let start = index + 1
        var position = start
        var escaped = false
        while position < count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                tokens.append(
                    Token(
                        kind: escaped ? .escapedString : .string, start: start, length: position - start,
                        next: tokens.count + 1))
                index = position + 1
                return true
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                guard position + 1 < count else { return false }
                switch bytes[position + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 2
                case UInt8(ascii: "u"):
                    guard let unit = Self.hex4(bytes, position + 2) else { return false }
                    position += 6
                    if UTF16.isLeadSurrogate(unit) {
                        guard position + 1 < count, bytes[position] == UInt8(ascii: "\\"),
                            bytes[position + 1] == UInt8(ascii: "u"), let low = Self.hex4(bytes, position + 2),
                            UTF16.isTrailSurrogate(low)
                        else { return false }
                        position += 6
                    } else if UTF16.isTrailSurrogate(unit) {
                        return false
                    }
                default:
                    return false
                }
                continue
            }
            if byte < 0x20 { return false }
            if byte < 0x80 {
                position += 1
                continue
            }
            guard let next = Self.skipUTF8(bytes, position) else { return false }
            position = next
        }
        return false
    }

    /// The UTF-16 unit of four hex digits at `offset`.
    static func hex4(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt16? {
        guard offset + 4 <= bytes.count else { return nil }
        var value: UInt16 = 0
        for position in offset..<offset + 4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    /// The index after the valid UTF-8 sequence at `index`, or `nil`.
    private static func skipUTF8(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> Int? {
        let lead = bytes[index]
        let length: Int
        let minimum: UInt32
        var scalar: UInt32
        switch lead {
        case 0xc2...0xdf: (length, minimum, scalar) = (2, 0x80, UInt32(lead & 0x1f))
        case 0xe0...0xef: (length, minimum, scalar) = (3, 0x800, UInt32(lead & 0x0f))
        case 0xf0...0xf4: (length, minimum, scalar) = (4, 0x10000, UInt32(lead & 0x07))
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        for offset in 1..<length {
            let next = bytes[index + offset]
            guard next & 0xc0 == 0x80 else { return nil }
            scalar = scalar << 6 | UInt32(next & 0x3f)
        }
        guard scalar >= minimum, scalar <= 0x10ffff, !(0xd800...0xdfff).contains(scalar) else { return nil }
        return index + length
    }

    /// Scans a number in the JSON grammar and records it.
    private mutating func scanNumber(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) -> Bool {
        let count = bytes.count
        let start = index
        var position = index
        @inline(__always) func digits() -> Int {
            let first = position
            while position < count, bytes[position] &- UInt8(ascii: "0") < 10 { position += 1 }
            return position - first
        }
        if position < count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < count else { return false }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            guard digits() > 0 else { return false }
        }
        var kind = Kind.integer
        if position < count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { return false }
            kind = .number
        }
        if position < count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits() > 0 else { return false }
            kind = .number
        }
        tokens.append(Token(kind: kind, start: start, length: position - start, next: tokens.count + 1))
        index = position
        return true
    }
}
