/// One MessagePack item header: what kind of value starts at an offset, and where its parts are.
struct MessagePackHeader {
    enum Kind: UInt8 {
        case null, bool, int, uint, float32, float64, string, binary, array, map, ext
    }

    /// The kind of value.
    var kind: Kind
    /// Bool: 0 or 1. Int: the `Int64` bit pattern. Uint: the value. Floats: the IEEE bits. String, binary, ext:
    /// the payload length. Array, map: the element (pair) count.
    var bits: UInt64
    /// The extension type, for `.ext`.
    var extType: Int8 = 0
    /// Offset of the payload (string, binary, ext) or of the first element (array, map).
    var payload: Int
    /// Offset after the whole item for scalars, strings, binaries and extensions; equal to `payload` for containers.
    var next: Int
}

/// A bounds-checked view of a MessagePack payload. Every read checks the offsets it uses against the buffer.
struct MessagePackBytes {
    let base: UnsafeRawBufferPointer
    let codec = "msgpack"

    init(_ base: UnsafeRawBufferPointer) { self.base = base }

    var count: Int { base.count }

    func error(_ code: CodecError.Code, _ message: String, at offset: Int) -> CodecError {
        CodecError(code, message, codec: codec, byteOffset: offset)
    }

    @inline(__always)
    func byte(_ offset: Int) -> UInt8 { base[offset] }

    @inline(__always)
    func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        T(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// Reads the header of the item at `offset`.
    ///
    /// - Throws: `truncated` when the header or a string/binary/ext payload runs past the end, `malformed` for the
    ///   unused type byte 0xc1.
    @inline(__always)
    func header(at offset: Int) throws(CodecError) -> MessagePackHeader {
        guard offset < base.count else {
            throw error(.truncated, "the payload ends where a value should start", at: offset)
        }
        // The forms of small values, inline in every caller; the others are read by `fullHeader(at:)`.
        let type = byte(offset)
        if type < 0x80 {
            return MessagePackHeader(kind: .int, bits: UInt64(type), payload: offset + 1, next: offset + 1)
        }
        if type & 0xe0 == 0xa0 {
            let length = Int(type & 0x1f)
            guard length < base.count - offset else { return try fullHeader(at: offset) }
            return MessagePackHeader(
                kind: .string, bits: UInt64(length), payload: offset + 1, next: offset + 1 + length)
        }
        return try fullHeader(at: offset)
    }

    /// Reads the header of the item at `offset`, which is in bounds.
    private func fullHeader(at offset: Int) throws(CodecError) -> MessagePackHeader {
        let type = byte(offset)
        switch type {
        case 0x00...0x7f:
            return MessagePackHeader(kind: .int, bits: UInt64(type), payload: offset + 1, next: offset + 1)
        case 0xe0...0xff:
            return MessagePackHeader(
                kind: .int, bits: UInt64(bitPattern: Int64(Int8(bitPattern: type))), payload: offset + 1,
                next: offset + 1)
        case 0x80...0x8f:
            return MessagePackHeader(kind: .map, bits: UInt64(type & 0x0f), payload: offset + 1, next: offset + 1)
        case 0x90...0x9f:
            return MessagePackHeader(kind: .array, bits: UInt64(type & 0x0f), payload: offset + 1, next: offset + 1)
        case 0xa0...0xbf:
            return try sized(.string, length: Int(type & 0x1f), payload: offset + 1, start: offset)
        case 0xc0: return MessagePackHeader(kind: .null, bits: 0, payload: offset + 1, next: offset + 1)
        case 0xc2, 0xc3:
            return MessagePackHeader(kind: .bool, bits: UInt64(type & 1), payload: offset + 1, next: offset + 1)
        case 0xc4, 0xd9: return try sized(type == 0xc4 ? .binary : .string, width: 1, at: offset)
        case 0xc5, 0xda: return try sized(type == 0xc5 ? .binary : .string, width: 2, at: offset)
        case 0xc6, 0xdb: return try sized(type == 0xc6 ? .binary : .string, width: 4, at: offset)
        case 0xc7, 0xc8, 0xc9:
            let width = type == 0xc7 ? 1 : type == 0xc8 ? 2 : 4
            try need(offset + 2 + width, from: offset)
            let length = try lengthField(width: width, at: offset + 1)
            var header = try sized(.ext, length: length, payload: offset + 2 + width, start: offset)
            header.extType = Int8(bitPattern: byte(offset + 1 + width))
            return header
        case 0xd4...0xd8:
            try need(offset + 2, from: offset)
            var header = try sized(.ext, length: 1 << Int(type - 0xd4), payload: offset + 2, start: offset)
            header.extType = Int8(bitPattern: byte(offset + 1))
            return header
        case 0xca:
            try need(offset + 5, from: offset)
            return MessagePackHeader(
                kind: .float32, bits: UInt64(load(UInt32.self, at: offset + 1)), payload: offset + 1, next: offset + 5)
        case 0xcb:
            try need(offset + 9, from: offset)
            return MessagePackHeader(
                kind: .float64, bits: load(UInt64.self, at: offset + 1), payload: offset + 1, next: offset + 9)
        case 0xcc...0xcf:
            let width = 1 << Int(type - 0xcc)
            try need(offset + 1 + width, from: offset)
            let value: UInt64
            switch width {
            case 1: value = UInt64(byte(offset + 1))
            case 2: value = UInt64(load(UInt16.self, at: offset + 1))
            case 4: value = UInt64(load(UInt32.self, at: offset + 1))
            default: value = load(UInt64.self, at: offset + 1)
            }
            return MessagePackHeader(kind: .uint, bits: value, payload: offset + 1, next: offset + 1 + width)
        case 0xd0...0xd3:
            let width = 1 << Int(type - 0xd0)
            try need(offset + 1 + width, from: offset)
            let value: Int64
            switch width {
            case 1: value = Int64(Int8(bitPattern: byte(offset + 1)))
            case 2: value = Int64(load(Int16.self, at: offset + 1))
            case 4: value = Int64(load(Int32.self, at: offset + 1))
            default: value = load(Int64.self, at: offset + 1)
            }
            return MessagePackHeader(
                kind: .int, bits: UInt64(bitPattern: value), payload: offset + 1, next: offset + 1 + width)
        case 0xdc, 0xdd, 0xde, 0xdf:
            let width = type & 1 == 0 ? 2 : 4
            try need(offset + 1 + width, from: offset)
            let count = try lengthField(width: width, at: offset + 1)
            let kind: MessagePackHeader.Kind = type < 0xde ? .array : .map
            return MessagePackHeader(
                kind: kind, bits: UInt64(count), payload: offset + 1 + width, next: offset + 1 + width)
        default:
            throw error(.malformed, "0xc1 is not a valid MessagePack type byte", at: offset)
        }
    }

    @inline(__always)
    private func need(_ end: Int, from offset: Int) throws(CodecError) {
        guard end <= base.count else {
            throw error(.truncated, "the payload ends inside a value that needs \(end - offset) bytes", at: offset)
        }
    }

    private func lengthField(width: Int, at offset: Int) throws(CodecError) -> Int {
        try need(offset + width, from: offset - 1)
        switch width {
        case 1: return Int(byte(offset))
        case 2: return Int(load(UInt16.self, at: offset))
        default: return Int(load(UInt32.self, at: offset))
        }
    }

    private func sized(
        _ kind: MessagePackHeader.Kind, width: Int, at offset: Int
    ) throws(CodecError) -> MessagePackHeader {
        let length = try lengthField(width: width, at: offset + 1)
        return try sized(kind, length: length, payload: offset + 1 + width, start: offset)
    }

    private func sized(
        _ kind: MessagePackHeader.Kind, length: Int, payload: Int, start: Int
    ) throws(CodecError) -> MessagePackHeader {
        guard length <= base.count - payload else {
            throw error(
                .truncated, "a value declares \(length) bytes but only \(max(0, base.count - payload)) remain",
                at: start)
        }
        return MessagePackHeader(kind: kind, bits: UInt64(length), payload: payload, next: payload + length)
    }
}
