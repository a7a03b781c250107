/// One pass over JSON text, without recursion, before Foundation parses it: UTF-8 validity, nesting depth, and
/// bytes after the top-level array or object.
struct JSONScanner {
    let bytes: UnsafeRawBufferPointer
    let codec: String

    private func failure(_ code: CodecError.Code, _ message: String, at offset: Int) -> CodecError {
        CodecError(code, message, codec: codec, byteOffset: offset)
    }

    /// - Throws: `invalidUTF8`, `depthLimitExceeded`, `trailingBytes`.
    func check(maxDepth: Int) throws(CodecError) {
        var depth = 0
        var inString = false
        var escaped = false
        var end = -1
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte >= 0x80 {
                index = try skipMultibyte(at: index)
                continue
            }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else {
                let isSpace =
                    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
                    || byte == UInt8(ascii: "\t")
                if end >= 0 && !isSpace {
                    throw failure(.trailingBytes, "bytes follow the top-level value", at: index)
                }
                switch byte {
                case UInt8(ascii: "\""):
                    inString = true
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    depth += 1
                    guard depth <= maxDepth else {
                        throw failure(.depthLimitExceeded, "nesting is deeper than the limit of \(maxDepth)", at: index)
                    }
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    depth -= 1
                    if depth == 0 { end = index + 1 }
                default:
                    break
                }
            }
            index += 1
        }
    }

    /// Validates the UTF-8 sequence starting at `index` (a byte >= 0x80) and returns the index after it.
    private func skipMultibyte(at index: Int) throws(CodecError) -> Int {
        let lead = bytes[index]
        let length: Int
        let minimum: UInt32
        var scalar: UInt32
        switch lead {
        case 0xc2...0xdf:
            length = 2
            minimum = 0x80
            scalar = UInt32(lead & 0x1f)
        case 0xe0...0xef:
            length = 3
            minimum = 0x800
            scalar = UInt32(lead & 0x0f)
        case 0xf0...0xf4:
            length = 4
            minimum = 0x10000
            scalar = UInt32(lead & 0x07)
        default:
            throw failure(.invalidUTF8, "byte 0x\(String(lead, radix: 16)) cannot start a UTF-8 sequence", at: index)
        }
        guard index + length <= bytes.count else {
            throw failure(.invalidUTF8, "a UTF-8 sequence is cut off by the end of the payload", at: index)
        }
        for offset in 1..<length {
            let next = bytes[index + offset]
            guard next & 0xc0 == 0x80 else {
                throw failure(.invalidUTF8, "a UTF-8 sequence lacks a continuation byte", at: index)
            }
            scalar = scalar << 6 | UInt32(next & 0x3f)
        }
        guard scalar >= minimum, scalar <= 0x10ffff, !(0xd800...0xdfff).contains(scalar) else {
            throw failure(.invalidUTF8, "an overlong, surrogate or out-of-range UTF-8 sequence", at: index)
        }
        return index + length
    }
}
