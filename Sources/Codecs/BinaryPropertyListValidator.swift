/// Checks a binary property list completely, without recursion, before Foundation decodes it.
///
/// Foundation's binary property list decoder trusts its input: on Linux a self-referencing object crashes it and
/// shared references expand without bound. This validator accepts a payload only when:
/// - the header is `bplist00` and the trailer's sizes, object count, top object and offset table are in bounds;
/// - every object reachable from the top has a known type (no sets or UIDs), its payload and references lie inside
///   the object area, container counts fit the bytes present, dictionary keys are strings, ASCII strings are
///   ASCII and UTF-16 strings have no lone surrogates;
/// - no object contains itself (a cycle);
/// - nesting, counted as every path through shared references, is within ``DecodeLimits/maxDepth``;
/// - the fully expanded value (each reference counted every time it is used) stays within the larger of
///   ``DecodeLimits/maxExpandedBytes`` and ``DecodeLimits/maxExpansionRatio`` times the input, in estimated decoded
///   bytes (``DecodeLimits/bytesPerValue`` per value plus the bytes of each string and data payload).
struct BinaryPropertyListValidator {
    let bytes: UnsafeRawBufferPointer
    let limits: DecodeLimits
    let codec = "plist"

    struct Trailer {
        var offsetSize: Int
        var refSize: Int
        var objectCount: Int
        var top: Int
        var tableOffset: Int
    }

    /// An object's header: where its payload or references start and how many there are.
    struct Object {
        var marker: UInt8
        var start: Int
        var count: Int
    }

    func failure(_ code: CodecError.Code, _ message: String, at offset: Int? = nil) -> CodecError {
        CodecError(code, message, codec: codec, byteOffset: offset)
    }

    func readUInt(at offset: Int, size: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<size { value = value << 8 | UInt64(bytes[offset + index]) }
        return value
    }

    /// - Returns: The trailer, for ``value(_:)``.
    /// - Throws: `truncated`, `malformed`, `countExceedsInput`, `invalidUTF8`, `referenceCycle`,
    ///   `depthLimitExceeded`, `expansionLimitExceeded`.
    @discardableResult
    func validate() throws(CodecError) -> Trailer {
        let magic: [UInt8] = Array("bplist00".utf8)
        guard bytes.count >= 8 + 32 else {
            if bytes.elementsEqual(magic.prefix(bytes.count)) || bytes.starts(with: magic) {
                throw failure(.truncated, "a binary property list needs at least 40 bytes; \(bytes.count) given")
            }
            throw failure(.malformed, "the payload is not a binary property list (no bplist00 header)", at: 0)
        }
        guard bytes.starts(with: magic) else {
            throw failure(.malformed, "the payload is not a binary property list (no bplist00 header)", at: 0)
        }
        let trailer = try readTrailer()
        try walk(trailer)
        return trailer
    }

    private func readTrailer() throws(CodecError) -> Trailer {
        let base = bytes.count - 32
        let offsetSize = Int(bytes[base + 6])
        let refSize = Int(bytes[base + 7])
        let count = readUInt(at: base + 8, size: 8)
        let top = readUInt(at: base + 16, size: 8)
        let table = readUInt(at: base + 24, size: 8)
        guard (1...8).contains(offsetSize), (1...8).contains(refSize) else {
            throw failure(.malformed, "the trailer gives invalid offset or reference sizes", at: base)
        }
        guard count >= 1, top < count, table >= 8, table <= UInt64(base),
            count <= (UInt64(base) - table) / UInt64(offsetSize)
        else {
            throw failure(
                .malformed, "the trailer's object count, top object or offset table is out of range", at: base)
        }
        return Trailer(
            offsetSize: offsetSize, refSize: refSize, objectCount: Int(count), top: Int(top), tableOffset: Int(table))
    }

    func offset(of object: Int, _ trailer: Trailer) throws(CodecError) -> Int {
        let value = readUInt(at: trailer.tableOffset + object * trailer.offsetSize, size: trailer.offsetSize)
        guard value >= 8, value < UInt64(trailer.tableOffset) else {
            throw failure(.malformed, "object \(object) has an offset outside the object area", at: trailer.tableOffset)
        }
        return Int(value)
    }

    /// Parses the header of the object at `offset`, checking that its payload lies within the object area.
    func parse(at offset: Int, _ trailer: Trailer) throws(CodecError) -> Object {
        let end = trailer.tableOffset
        let marker = bytes[offset]
        let high = marker >> 4
        let low = Int(marker & 0x0f)
        var start = offset + 1
        var count = low
        switch high {
        case 0x0:
            guard marker == 0x08 || marker == 0x09 else {
                throw failure(.malformed, "unsupported property list marker 0x\(String(marker, radix: 16))", at: offset)
            }
            return Object(marker: marker, start: start, count: 0)
        case 0x1, 0x2:
            guard low <= (high == 0x1 ? 4 : 3), high == 0x1 || low >= 2 else {
                throw failure(.malformed, "a number of \(1 << low) bytes is not valid", at: offset)
            }
            count = 1 << low
        case 0x3:
            guard marker == 0x33 else { throw failure(.malformed, "a date must be 8 bytes", at: offset) }
            count = 8
        case 0x4, 0x5, 0x6, 0xA, 0xD:
            if low == 0x0f {
                guard start < end, bytes[start] >> 4 == 0x1, bytes[start] & 0x0f <= 3 else {
                    throw failure(.malformed, "an object's length is not an integer", at: offset)
                }
                let size = 1 << Int(bytes[start] & 0x0f)
                guard start + 1 + size <= end else {
                    throw failure(.truncated, "an object's length is cut off", at: offset)
                }
                let length = readUInt(at: start + 1, size: size)
                guard length <= UInt64(Int.max / 16) else {
                    throw failure(.countExceedsInput, "an object declares \(length) elements", at: offset)
                }
                count = Int(length)
                start += 1 + size
            }
        default:
            throw failure(.malformed, "unsupported property list marker 0x\(String(marker, radix: 16))", at: offset)
        }
        let width: Int
        switch high {
        case 0x6: width = 2
        case 0xA: width = trailer.refSize
        case 0xD: width = trailer.refSize * 2
        case 0x1, 0x2, 0x3: width = 1
        default: width = 1
        }
        let available = end - start
        guard count <= available / width else {
            if high == 0xA || high == 0xD {
                throw failure(
                    .countExceedsInput, "a container declares \(count) elements but only \(available) bytes remain",
                    at: offset)
            }
            throw failure(
                .truncated, "an object declares \(count * width) bytes but only \(available) remain", at: offset)
        }
        let object = Object(marker: marker, start: start, count: count)
        try checkText(object, at: offset)
        return object
    }

    private func checkText(_ object: Object, at offset: Int) throws(CodecError) {
        switch object.marker >> 4 {
        case 0x5:
            for index in object.start..<object.start + object.count where bytes[index] >= 0x80 {
                throw failure(
                    .invalidUTF8, "an ASCII string holds the byte 0x\(String(bytes[index], radix: 16))", at: index)
            }
        case 0x6:
            var index = 0
            while index < object.count {
                let unit = readUInt(at: object.start + 2 * index, size: 2)
                if (0xd800...0xdbff).contains(unit) {
                    let next = index + 1 < object.count ? readUInt(at: object.start + 2 * index + 2, size: 2) : 0
                    guard (0xdc00...0xdfff).contains(next) else {
                        throw failure(.invalidUTF8, "a UTF-16 string has an unpaired high surrogate", at: offset)
                    }
                    index += 2
                } else {
                    guard !(0xdc00...0xdfff).contains(unit) else {
                        throw failure(.invalidUTF8, "a UTF-16 string has an unpaired low surrogate", at: offset)
                    }
                    index += 1
                }
            }
        default:
            break
        }
    }
}
