import Foundation
import GIPCCodecs
import Testing

/// The expansion budget of property lists (``DecodeLimits/maxExpandedBytes``) at its edges, with payloads built here
/// byte by byte, and the codec's own reading of ``Value``.
@Suite("Property list expansion budget", .timeLimit(.minutes(1)))
struct PropertyListBudgetTests {
    static let budget = DecodeLimits.default.maxExpandedBytes
    static let perValue = DecodeLimits.bytesPerValue

    static func bigEndian(_ value: Int, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * (width - 1 - $0))) }
    }

    /// A binary property list of `objects` (already encoded), the first one on top.
    static func bplist(_ objects: [[UInt8]], refSize: Int) -> [UInt8] {
        var body = Array("bplist00".utf8)
        var offsets: [Int] = []
        for object in objects {
            offsets.append(body.count)
            body += object
        }
        let table = body.count
        var offsetSize = 1
        while table >= 1 << (8 * offsetSize) { offsetSize += 1 }
        for offset in offsets { body += bigEndian(offset, offsetSize) }
        body += [0, 0, 0, 0, 0, 0, UInt8(offsetSize), UInt8(refSize)]
        return body + bigEndian(objects.count, 8) + bigEndian(0, 8) + bigEndian(table, 8)
    }

    /// An object header: `marker` with a count, inline when it is below 15.
    static func header(_ marker: UInt8, _ count: Int) -> [UInt8] {
        count < 15 ? [marker | UInt8(count)] : [marker | 0x0f, 0x13] + bigEndian(count, 8)
    }

    static func real(_ marker: UInt8, _ number: Double) -> [UInt8] {
        [marker] + bigEndian(Int(bitPattern: UInt(number.bitPattern)), 8)
    }

    static func array(_ references: [Int], refSize: Int) -> [UInt8] {
        header(0xA0, references.count) + references.flatMap { bigEndian($0, refSize) }
    }

    static func ascii(_ count: Int) -> [UInt8] {
        header(0x50, count) + [UInt8](repeating: UInt8(ascii: "x"), count: count)
    }

    /// An array holding one 65,520-byte string `copies` times and a `tail`-byte string once:
    /// 16 + copies × 65,536 + 16 + tail estimated bytes.
    static func strings(copies: Int, tail: Int) -> [UInt8] {
        bplist([array([Int](repeating: 1, count: copies) + [2], refSize: 1), ascii(65_520), ascii(tail)], refSize: 1)
    }

    static func expansionError(_ codec: PropertyListCodec, _ bytes: [UInt8]) -> CodecError? {
        do {
            _ = try codec.decode(Value.self, from: bytes)
            return nil
        } catch {
            return error as? CodecError
        }
    }

    @Test("a payload expanding to exactly maxExpandedBytes decodes; one byte more is refused, naming the budget")
    func exactBudget() throws {
        let copies = 1023
        let tail = Self.budget - 2 * Self.perValue - copies * 65_536
        let atBudget = Self.strings(copies: copies, tail: tail)
        let beyond = Self.strings(copies: copies, tail: tail + 1)
        #expect(16 * beyond.count < Self.budget)  // the budget decides, not the ratio
        let value = try PropertyListCodec().decode(Value.self, from: atBudget)
        guard case .array(let elements) = value, case .string(let last)? = elements.last else {
            Issue.record("not an array of strings")
            return
        }
        #expect(elements.count == copies + 1)
        #expect(elements[0] == .string(String(repeating: "x", count: 65_520)))
        #expect(last.utf8.count == tail)
        let error = Self.expansionError(PropertyListCodec(), beyond)
        #expect(error?.code == .expansionLimitExceeded)
        #expect(error?.message.contains("DecodeLimits.maxExpandedBytes (67108864)") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("raise maxExpandedBytes") == true)
        let roomy = PropertyListCodec(limits: DecodeLimits(maxExpandedBytes: Self.budget + 1))
        #expect(try roomy.decode(Value.self, from: beyond).count == copies + 1)
    }

    @Test("with maxExpandedBytes 0 the expansion ratio alone decides, as before the budget")
    func ratioAlone() throws {
        let ratioOnly = PropertyListCodec(limits: DecodeLimits(maxExpandedBytes: 0))
        // 30 references to a 1,000-byte string: 16 + 30 × 1,016 = 30,496 estimated bytes from 1,094 bytes.
        let shared = Self.bplist(
            [Self.array([Int](repeating: 1, count: 30), refSize: 1), Self.ascii(1000)], refSize: 1)
        #expect(shared.count * 16 < 30_496)
        #expect(Self.expansionError(ratioOnly, shared)?.code == .expansionLimitExceeded)
        #expect(try PropertyListCodec().decode(Value.self, from: shared).count == 30)
        let roomierRatio = PropertyListCodec(limits: DecodeLimits(maxExpansionRatio: 32, maxExpandedBytes: 0))
        #expect(try roomierRatio.decode(Value.self, from: shared).count == 30)
        // Without shared strings the ratio is never reached.
        let unshared = try PropertyListCodec().encode((0..<30).map { String(repeating: "y", count: 1000) + "\($0)" })
        #expect(try ratioOnly.decode([String].self, from: unshared).count == 30)
    }

    /// An array of `rows` references to one array of 1,000 references to `true`: 16 + rows × 16,016 estimated bytes.
    static func valueBomb(rows: Int) -> [UInt8] {
        bplist(
            [
                array([Int](repeating: 1, count: rows), refSize: 1),
                array([Int](repeating: 2, count: 1000), refSize: 1),
                [0x09],
            ], refSize: 1)
    }

    @Test("a budget other than the default is a codec setting, so it travels with a handle")
    func budgetSetting() throws {
        #expect(PropertyListCodec().settings == [:])
        let roomy = PropertyListCodec(limits: DecodeLimits(maxExpandedBytes: 256 << 20))
        #expect(roomy.settings == ["maxExpandedBytes": "268435456"])
        let rebuilt = try DecodeLimits(settings: ["maxExpandedBytes": "268435456"], codec: "plist")
        #expect(rebuilt == roomy.limits)
        #expect(try DecodeLimits(settings: ["maxExpandedBytes": "0"], codec: "plist").maxExpandedBytes == 0)
        #expect(throws: CodecError.self) { try DecodeLimits(settings: ["maxExpandedBytes": "-1"], codec: "plist") }
    }

    @Test("4 million shared values just under the default budget decode into Value at once; more are refused")
    func valueBombAtBudget() throws {
        let rows = (Self.budget - Self.perValue) / (Self.perValue * 1001)  // 4,190
        let under = Self.valueBomb(rows: rows)
        let value = try PropertyListCodec().decode(Value.self, from: under)
        #expect(value.count == rows)
        #expect(value[rows - 1] == .array([Value](repeating: true, count: 1000)))
        let error = Self.expansionError(PropertyListCodec(), Self.valueBomb(rows: rows + 1))
        #expect(error?.code == .expansionLimitExceeded)
    }

    @Test("scalars deep in a plist decode into Value in time proportional to the objects, whatever their depth")
    func deepScalars() throws {
        // 450 nested arrays around 10,000 references to one date. Through Foundation's decoder, Value.init(from:)
        // spends about a millisecond per failed attempt at this depth (Foundation builds the coding path for each
        // error), nine attempts per date: minutes. The codec reads Value itself.
        let depth = 450
        var objects = (0..<depth).map { Self.array([$0 + 1], refSize: 2) }
        objects.append(Self.array([Int](repeating: depth + 1, count: 10_000), refSize: 2))
        objects.append(Self.real(0x33, 1e9))
        var value = try PropertyListCodec().decode(Value.self, from: Self.bplist(objects, refSize: 2))
        for _ in 0..<depth { value = value[0] ?? .null }
        #expect(value == .array([Value](repeating: .date(Date(timeIntervalSinceReferenceDate: 1e9)), count: 10_000)))
    }

    @Test("the codec reads Value as Foundation's decoder does: integer widths, whole reals, float32, $null")
    func sameAsFoundation() throws {
        func real(_ number: Double) -> [UInt8] { Self.real(0x23, number) }
        let scalars: [[UInt8]] = [
            [0x10, 0x00], [0x10, 0xff], [0x11, 0xff, 0xff], [0x12, 0xff, 0xff, 0xff, 0xff],
            [0x13] + Self.bigEndian(-1, 8),
            [0x14] + Self.bigEndian(0, 8) + Self.bigEndian(5, 8),
            [0x14] + Self.bigEndian(-1, 8) + Self.bigEndian(-5, 8),
            [0x14] + Self.bigEndian(1, 8) + Self.bigEndian(5, 8), real(0), real(-0.0), real(1), real(-2), real(1.5),
            real(0x1p63), real(0x1p64), real(-0x1p63), real(1e19), real(.infinity), real(3e10),
            [0x22, 0x3f, 0xc0, 0, 0],
            [0x22, 0x3f, 0x80, 0, 0], [0x08], [0x09], [0x41, 0x01], [0x51, 0x31], [0x55] + Array("$null".utf8),
            [0x63, 0x00, 0xe9, 0xd8, 0x3d, 0xde, 0x00], Self.real(0x33, -1.5),
        ]
        let count = scalars.count
        let dictionary: [UInt8] = [0xD2, UInt8(count + 2), UInt8(count + 3), UInt8(count + 4), UInt8(count + 5)]
        let objects =
            [Self.array(Array(1...count + 1), refSize: 1)] + scalars + [dictionary]
            + [[0x51, UInt8(ascii: "b")], [0x51, UInt8(ascii: "a")], [0x10, 0x07], [0x55] + Array("$null".utf8)]
        let payload = Self.bplist(objects, refSize: 1)
        let native = try PropertyListCodec().decode(Value.self, from: payload)
        let foundation = try PropertyListDecoder().decode(Value.self, from: Data(payload))
        #expect(native == foundation)
        #expect(native[0] == .int(0))
        #expect(native[9] == .int(0))  // -0.0
        #expect(native[13] == .uint(1 << 63))
        #expect(native[25] == .null)  // "$null"
        #expect(native[count] == ["a": .null, "b": 7])
        // A dictionary with the key "$null" is not read by Foundation's decoder; the codec refuses it too.
        let nullKey = Self.bplist([[0xD1, 1, 2], [0x55] + Array("$null".utf8), [0x09]], refSize: 1)
        #expect(throws: (any Error).self) { try PropertyListDecoder().decode(Value.self, from: Data(nullKey)) }
        let error = #expect(throws: CodecError.self) { try PropertyListCodec().decode(Value.self, from: nullKey) }
        #expect(error?.code == .malformed)
    }
}

extension Value {
    /// The number of elements of an array, or pairs of a map; 0 otherwise.
    fileprivate var count: Int {
        switch self {
        case .array(let elements): elements.count
        case .map(let pairs): pairs.count
        default: 0
        }
    }
}
