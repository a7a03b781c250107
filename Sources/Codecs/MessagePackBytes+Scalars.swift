internal import Foundation

extension MessagePackHeader.Kind {
    /// The kind as a person reads it in an error message.
    var label: String {
        switch self {
        case .null: "nil"
        case .bool: "bool"
        case .int, .uint: "integer"
        case .float32: "float32"
        case .float64: "float64"
        case .string: "string"
        case .binary: "binary"
        case .array: "array"
        case .map: "map"
        case .ext: "extension"
        }
    }
}

extension MessagePackBytes {
    func mismatch(_ header: MessagePackHeader, expected: String, at offset: Int) -> CodecError {
        error(.typeMismatch, "expected \(expected) but found \(header.kind.label)", at: offset)
    }

    /// Decodes any integer encoding into `T`, refusing values that do not fit exactly.
    ///
    /// - Throws: `typeMismatch` for non-integers, `valueOutOfRange` when the value does not fit `T`.
    @inline(__always)
    func integer<T: FixedWidthInteger>(_ header: MessagePackHeader, as type: T.Type, at offset: Int) throws(CodecError)
        -> T
    {
        let result: T?
        switch header.kind {
        case .int: result = T(exactly: Int64(bitPattern: header.bits))
        case .uint: result = T(exactly: header.bits)
        default: throw mismatch(header, expected: "an integer", at: offset)
        }
        guard let result else {
            let shown = header.kind == .int ? String(Int64(bitPattern: header.bits)) : String(header.bits)
            throw error(.valueOutOfRange, "\(shown) does not fit in \(T.self)", at: offset)
        }
        return result
    }

    /// The bool `header` holds.
    /// - Throws: `typeMismatch` for anything but a bool.
    func bool(_ header: MessagePackHeader, at offset: Int) throws(CodecError) -> Bool {
        guard header.kind == .bool else { throw mismatch(header, expected: "a bool", at: offset) }
        return header.bits == 1
    }

    /// Decodes a float32, float64 or integer as `Double`.
    ///
    /// - Throws: `typeMismatch` for anything else.
    func double(_ header: MessagePackHeader, at offset: Int) throws(CodecError) -> Double {
        switch header.kind {
        case .float64: return Double(bitPattern: header.bits)
        case .float32: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: header.bits)))
        case .int: return Double(Int64(bitPattern: header.bits))
        case .uint: return Double(header.bits)
        default: throw mismatch(header, expected: "a number", at: offset)
        }
    }

    /// Decodes a float32, float64 (rounded to nearest) or integer as `Float`.
    ///
    /// - Throws: `typeMismatch` for anything else, `valueOutOfRange` for a finite float64 beyond `Float`'s range.
    func float(_ header: MessagePackHeader, at offset: Int) throws(CodecError) -> Float {
        if header.kind == .float32 { return Float(bitPattern: UInt32(truncatingIfNeeded: header.bits)) }
        let wide = try double(header, at: offset)
        let narrow = Float(wide)
        guard narrow.isFinite || !wide.isFinite else {
            throw error(.valueOutOfRange, "\(wide) does not fit in Float", at: offset)
        }
        return narrow
    }

    /// The payload of a string, binary or extension item.
    @inline(__always)
    func payload(_ header: MessagePackHeader) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: base[header.payload..<header.next])
    }

    /// Decodes a str item as a `String`, validating its UTF-8.
    ///
    /// - Throws: `typeMismatch` for anything but str, `invalidUTF8`.
    func string(_ header: MessagePackHeader, at offset: Int) throws(CodecError) -> String {
        guard header.kind == .string else { throw mismatch(header, expected: "a string", at: offset) }
        let raw = payload(header)
        let utf8 = raw.assumingMemoryBound(to: UInt8.self)
        // ASCII, the common case, is valid UTF-8: skip the generic validating initializer.
        if Self.isASCII(raw) { return String(decoding: utf8, as: UTF8.self) }
        guard let string = String(validating: utf8, as: UTF8.self) else {
            throw error(.invalidUTF8, "a string is not valid UTF-8", at: offset)
        }
        return string
    }

    /// Whether every byte of `bytes` is below 0x80, checked eight bytes at a time.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var high: UInt64 = 0
        var index = 0
        while index + 8 <= bytes.count {
            high |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            high |= UInt64(bytes[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// Decodes a bin (or str) item as bytes.
    ///
    /// - Throws: `typeMismatch` for anything else.
    func bytes(_ header: MessagePackHeader, at offset: Int) throws(CodecError) -> UnsafeRawBufferPointer {
        guard header.kind == .binary || header.kind == .string else {
            throw mismatch(header, expected: "binary data", at: offset)
        }
        return payload(header)
    }

    /// Decodes a timestamp extension (type -1, 4, 8 or 12 bytes) as a `Date`.
    ///
    /// - Throws: `typeMismatch` for anything but an extension, `unsupportedExtension` for other extension types,
    ///   `malformed` for a timestamp of the wrong length or with nanoseconds above 999,999,999.
    func date(_ header: MessagePackHeader, at offset: Int) throws(CodecError) -> Date {
        guard header.kind == .ext else { throw mismatch(header, expected: "a timestamp", at: offset) }
        guard header.extType == -1 else {
            throw error(.unsupportedExtension, "extension type \(header.extType) is not a timestamp", at: offset)
        }
        let seconds: Int64
        let nanoseconds: UInt32
        switch header.bits {
        case 4:
            seconds = Int64(load(UInt32.self, at: header.payload))
            nanoseconds = 0
        case 8:
            let packed = load(UInt64.self, at: header.payload)
            seconds = Int64(packed & 0x3_ffff_ffff)
            nanoseconds = UInt32(packed >> 34)
        case 12:
            nanoseconds = load(UInt32.self, at: header.payload)
            seconds = load(Int64.self, at: header.payload + 4)
        default:
            throw error(.malformed, "a timestamp has \(header.bits) bytes; 4, 8 or 12 are valid", at: offset)
        }
        guard nanoseconds < 1_000_000_000 else {
            throw error(.malformed, "a timestamp has \(nanoseconds) nanoseconds", at: offset)
        }
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9)
    }
}
