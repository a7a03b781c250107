import Foundation
import GIPCKit

/// Reads one ``Value`` written in ``ValueNotation`` (one line of JSON), exactly: integers stay integers, numbers
/// with a fraction or exponent become doubles, objects keep their key order, and the `$` tags become the values
/// they stand for.
struct ValueNotationParser {
    /// Why a line could not be read.
    struct Failure: Error {
        let message: String
        /// The offset in the line's UTF-8 bytes.
        let offset: Int
    }

    /// The deepest nesting accepted, as the codecs' default `DecodeLimits`.
    static let maxDepth = 512

    private let bytes: [UInt8]
    private var index = 0

    /// Parses `line`, which must hold exactly one value (surrounding white space allowed).
    static func parse(_ line: some StringProtocol) throws(Failure) -> Value {
        var parser = ValueNotationParser(bytes: Array(line.utf8))
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw parser.failure("unexpected text after the value") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func failure(_ message: String) -> Failure { Failure(message: message, offset: index) }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func value(depth: Int) throws(Failure) -> Value {
        skipSpace()
        guard index < bytes.count else { throw failure("expected a value, found the end of the line") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return .array(try array(depth: depth + 1))
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
        }
    }

    private mutating func literal(_ word: String, _ result: Value) throws(Failure) -> Value {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<(index + expected.count)]) == expected else {
            throw failure("expected '\(word)'")
        }
        index += expected.count
        return result
    }

    private mutating func number() throws(Failure) -> Value {
        let start = index
        var isDouble = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                isDouble = true
            } else if !(byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte))
            {
                break
            }
            index += 1
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isDouble {
            guard let number = Double(text), number.isFinite else {
                index = start
                throw failure("'\(text)' is not a finite number")
            }
            return .double(number)
        }
        if let number = Int64(text) { return .int(number) }
        if let number = UInt64(text) { return .uint(number) }
        index = start
        throw failure("'\(text)' is not an integer between -2^63 and 2^64-1")
    }

    private mutating func array(depth: Int) throws(Failure) -> [Value] {
        guard depth <= Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth)") }
        index += 1
        var elements: [Value] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return elements
        }
        while true {
            elements.append(try value(depth: depth))
            skipSpace()
            guard index < bytes.count else { throw failure("unterminated array") }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return elements
            }
            guard bytes[index] == UInt8(ascii: ",") else { throw failure("expected ',' or ']'") }
            index += 1
        }
    }

    private mutating func object(depth: Int) throws(Failure) -> Value {
        guard depth <= Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth)") }
        let start = index
        index += 1
        var pairs: [(key: String, value: Value)] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .map([])
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a key") }
            let key = try string()
            guard !pairs.contains(where: { $0.key == key }) else { throw failure("key \"\(key)\" appears twice") }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            index += 1
            pairs.append((key, try value(depth: depth)))
            skipSpace()
            guard index < bytes.count else { throw failure("unterminated object") }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                break
            }
            guard bytes[index] == UInt8(ascii: ",") else { throw failure("expected ',' or '}'") }
            index += 1
        }
        if pairs.count == 1, pairs[0].key.hasPrefix("$") {
            return try tagged(pairs[0].key, pairs[0].value, at: start)
        }
        return .map(pairs.map { (key: .string($0.key), value: $0.value) })
    }

    private func tagged(_ tag: String, _ content: Value, at start: Int) throws(Failure) -> Value {
        let problem = Failure(message: "bad \(tag) value", offset: start)
        switch (tag, content) {
        case ("$bytes", .string(let text)):
            guard let data = Data(base64Encoded: text) else { throw problem }
            return .bytes([UInt8](data))
        case ("$date", .int(let seconds)): return .date(Date(timeIntervalSince1970: Double(seconds)))
        case ("$date", .double(let seconds)): return .date(Date(timeIntervalSince1970: seconds))
        case ("$double", .string("nan")): return .double(.nan)
        case ("$double", .string("inf")): return .double(.infinity)
        case ("$double", .string("-inf")): return .double(-.infinity)
        case ("$ext", .array(let parts)):
            guard parts.count == 2, case .int(let type) = parts[0], let code = Int8(exactly: type),
                case .string(let text) = parts[1], let data = Data(base64Encoded: text)
            else { throw problem }
            return .extension(type: code, data: [UInt8](data))
        case ("$map", .array(let entries)):
            var pairs: [(key: Value, value: Value)] = []
            for entry in entries {
                guard case .array(let pair) = entry, pair.count == 2 else { throw problem }
                pairs.append((key: pair[0], value: pair[1]))
            }
            return .map(pairs)
        default:
            throw Failure(
                message: "unknown tag \(tag) (known: $bytes, $date, $double, $ext, $map); write a map whose only "
                    + "key starts with $ as {\"$map\":[[key,value]]}", offset: start)
        }
    }

    private mutating func string() throws(Failure) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var run = index
        let source = bytes
        func flush(to end: Int) {
            scalars.append(contentsOf: String(decoding: source[run..<end], as: UTF8.self).unicodeScalars)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                flush(to: index)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { throw failure("control character in a string") }
            if byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            flush(to: index)
            index += 1
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"): scalars.append(try unicodeEscape())
            default: throw failure("bad escape in a string")
            }
            run = index
        }
        throw failure("unterminated string")
    }

    /// The scalar of a `\uXXXX` escape (after the `u`), combining a surrogate pair.
    private mutating func unicodeEscape() throws(Failure) -> Unicode.Scalar {
        let high = try hex4()
        if (0xD800..<0xDC00).contains(high) {
            guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw failure("unpaired surrogate") }
            index += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate") }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(high) else { throw failure("unpaired surrogate") }
        return scalar
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard bytes.count - index >= 4,
            let number = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
        else { throw failure("bad \\u escape") }
        index += 4
        return number
    }
}
