internal import Foundation

extension BinaryPropertyListValidator {
    /// A container whose elements are being read.
    private struct Pending {
        var object: Int
        var at: Int
        var refsStart: Int
        var refCount: Int
        var keyCount: Int
        var isDictionary: Bool
        var elements: [Value] = []
    }

    /// Reads the ``Value`` of a payload that ``validate()`` accepted, without Foundation and without recursion.
    ///
    /// Each object is read once: shared references share the value read (copy on write), so a heavily shared
    /// payload costs time and memory in proportion to its objects and references, not to its expanded size.
    /// The result is the one `Value.init(from:)` gets through Foundation's `PropertyListDecoder`, which tries one
    /// kind after another for every expanded value, each failed attempt costing the square of the value's depth:
    /// integers are `.int` when they fit `Int64` and `.uint` otherwise (of a 16-byte integer only the low 8 bytes
    /// count), a real that is a whole number in the range of `Int64` or `UInt64` is that integer, the string `$null`
    /// is `.null`, and map pairs are sorted by key.
    ///
    /// - Throws: `malformed` for a dictionary with the key `$null`, which Foundation's decoder cannot read.
    func value(_ trailer: Trailer) throws(CodecError) -> Value {
        var read = [Value?](repeating: nil, count: trailer.objectCount)
        var path: [Pending] = []
        var result: Value?

        func deliver(_ value: Value) {
            if let last = path.indices.last {
                path[last].elements.append(value)
            } else {
                result = value
            }
        }

        func start(_ object: Int) throws(CodecError) {
            if let value = read[object] {
                deliver(value)
                return
            }
            let at = try offset(of: object, trailer)
            let parsed = try parse(at: at, trailer)
            switch parsed.marker >> 4 {
            case 0xA, 0xD:
                let isDictionary = parsed.marker >> 4 == 0xD
                let keyCount = isDictionary ? parsed.count : 0
                var pending = Pending(
                    object: object, at: at, refsStart: parsed.start, refCount: parsed.count + keyCount,
                    keyCount: keyCount, isDictionary: isDictionary)
                pending.elements.reserveCapacity(pending.refCount)
                path.append(pending)
            default:
                let value = scalar(parsed)
                read[object] = value
                deliver(value)
            }
        }

        try start(trailer.top)
        while let last = path.indices.last {
            // Only counts are read from `path[last]`: a copy of it would make every append copy its elements.
            let index = path[last].elements.count
            if index < path[last].refCount {
                // validate() checked every reference and that no object contains itself.
                let reference = readUInt(at: path[last].refsStart + index * trailer.refSize, size: trailer.refSize)
                try start(Int(reference))
                continue
            }
            let pending = path.removeLast()
            let value = try container(pending)
            read[pending.object] = value
            deliver(value)
        }
        return result ?? .null
    }

    private func container(_ pending: Pending) throws(CodecError) -> Value {
        guard pending.isDictionary else { return .array(pending.elements) }
        var pairs: [(key: String, value: Value)] = []
        pairs.reserveCapacity(pending.keyCount)
        for index in 0..<pending.keyCount {
            guard case .string(let key) = pending.elements[index] else {
                throw failure(
                    .malformed,
                    "a dictionary has the key \"$null\", which Foundation's property list decoder cannot read",
                    at: pending.at)
            }
            pairs.append((key: key, value: pending.elements[pending.keyCount + index]))
        }
        pairs.sort { $0.key < $1.key }
        return .map(pairs.map { (key: .string($0.key), value: $0.value) })
    }

    /// The value of a scalar object (see ``value(_:)`` for the mapping).
    private func scalar(_ object: Object) -> Value {
        let start = object.start
        switch object.marker >> 4 {
        case 0x0:
            return .bool(object.marker == 0x09)
        case 0x1:
            switch object.count {
            case 8: return .int(Int64(bitPattern: readUInt(at: start, size: 8)))
            case 16: return Self.integer(readUInt(at: start + 8, size: 8))
            default: return .int(Int64(readUInt(at: start, size: object.count)))
            }
        case 0x2:
            let real =
                object.count == 4
                ? Double(Float(bitPattern: UInt32(readUInt(at: start, size: 4))))
                : Double(bitPattern: readUInt(at: start, size: 8))
            if let number = Int64(exactly: real) { return .int(number) }
            if let number = UInt64(exactly: real) { return .uint(number) }
            return .double(real)
        case 0x3:
            return .date(Date(timeIntervalSinceReferenceDate: Double(bitPattern: readUInt(at: start, size: 8))))
        case 0x4:
            return .bytes([UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<start + object.count])))
        case 0x5:
            return Self.string(
                String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<start + object.count]), as: UTF8.self))
        default:
            var units: [UInt16] = []
            units.reserveCapacity(object.count)
            for index in stride(from: start, to: start + 2 * object.count, by: 2) {
                units.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
            }
            return Self.string(String(decoding: units, as: UTF16.self))
        }
    }

    private static func integer(_ bits: UInt64) -> Value {
        bits <= UInt64(Int64.max) ? .int(Int64(bits)) : .uint(bits)
    }

    /// Foundation's property list decoder takes the string `$null` for a missing value.
    private static func string(_ text: String) -> Value {
        text == "$null" ? .null : .string(text)
    }
}
