/// The bytes of JSON text as Foundation's `JSONEncoder` writes them (no spaces, slashes not escaped), appended to one
/// growing buffer.
///
/// Every form here is the one swift-foundation's `JSONWriter` produces: strings escape `"`, `\` and the control
/// characters below 0x20 (`\b`, `\f`, `\n`, `\r`, `\t` by name, the others as `\u00XX` with lower-case hex digits) and
/// leave every other byte as it is; integers are their `description`; floating-point numbers their `description`
/// without a trailing `.0`.
struct JSONTextWriter {
    var bytes: [UInt8]

    init(headerRoom: Int) {
        bytes = []
        bytes.reserveCapacity(256)
        if headerRoom > 0 { bytes.append(contentsOf: repeatElement(0, count: headerRoom)) }
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends `value` in decimal.
    mutating func append<T: FixedWidthInteger>(integer value: T) {
        if T.bitWidth > 64 {
            bytes.append(contentsOf: value.description.utf8)
            return
        }
        let negative = T.isSigned && value < 0
        var magnitude = UInt64(truncatingIfNeeded: value.magnitude)
        if negative { bytes.append(UInt8(ascii: "-")) }
        if magnitude < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var index = 20
            while magnitude > 0 {
                index &-= 1
                digits[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[index..<20]))
        }
    }

    /// Appends a finite floating-point number as Foundation writes it: `description`, less a trailing `.0`.
    mutating func append<T: BinaryFloatingPoint & CustomStringConvertible>(finite value: T) {
        var text = value.description
        text.withUTF8 { utf8 in
            var count = utf8.count
            if count >= 2 && utf8[count - 2] == UInt8(ascii: ".") && utf8[count - 1] == UInt8(ascii: "0") {
                count -= 2
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[0..<count]))
        }
    }

    /// Appends `text` as a JSON string, quotes included.
    mutating func append(string text: String) {
        var text = text
        bytes.append(UInt8(ascii: "\""))
        text.withUTF8 { appendEscaped($0) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends UTF-8 bytes with the escapes Foundation writes.
    mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var mark = 0
        var index = 0
        let count = utf8.count
        while index < count {
            let byte = utf8[index]
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                index &+= 1
                continue
            }
            if index > mark { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[mark..<index])) }
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x0c: bytes.append(UInt8(ascii: "f"))
            case 0x0a: bytes.append(UInt8(ascii: "n"))
            case 0x0d: bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            default:
                bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(Self.hexDigit(byte >> 4))
                bytes.append(Self.hexDigit(byte & 0xf))
            }
            index &+= 1
            mark = index
        }
        if count > mark { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[mark..<count])) }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") &+ value : UInt8(ascii: "a") &+ value &- 10
    }
}
