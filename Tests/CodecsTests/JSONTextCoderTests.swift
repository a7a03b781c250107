import Foundation
import GIPCCodecs
import GIPCTestSupport
import Testing

/// `JSONCodec`'s own coders against Foundation's configured `JSONEncoder`/`JSONDecoder` (the same codec with
/// `foundationOnly`): the same bytes for every value, and from every text the same value or the same error code.
@Suite("JSON text coders against Foundation")
struct JSONTextCoderTests {
    private let codec = JSONCodec()
    private static let foundation: JSONCodec = {
        var codec = JSONCodec()
        codec.foundationOnly = true
        return codec
    }()

    /// A value of every kind the codec meets.
    struct Mixed: Codable, Equatable {
        var int8: Int8
        var int16: Int16
        var int32: Int32
        var int64: Int64
        var int: Int
        var uint8: UInt8
        var uint16: UInt16
        var uint32: UInt32
        var uint64: UInt64
        var uint: UInt
        var double: Double
        var float: Float
        var doubles: [Double]
        var text: String
        var texts: [String]
        var flag: Bool
        var maybe: Int?
        var maybeText: String?
        var date: Date
        var data: Data
        var url: URL
        var byName: [String: Int]
        var byNumber: [Int: String]
        var nested: [[Int]]
        var shape: Shape
        var shapes: [Shape]
        var value: Value
    }

    /// An enum with associated values (synthesized: nested keyed containers).
    enum Shape: Codable, Equatable {
        case circle(radius: Double)
        case rectangle(width: Int, height: Int)
        case label(String, Int?)
        case empty
    }

    /// Bytes of both encoders for `value`: equal, or both failing with the same code.
    private func expectSameEncoding<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) {
        let own = Result { try codec.encode(value) }
        let reference = Result { try Self.foundation.encode(value) }
        switch (own, reference) {
        case (.success(let a), .success(let b)):
            #expect(
                a == b, "\(String(decoding: a, as: UTF8.self)) vs \(String(decoding: b, as: UTF8.self))",
                sourceLocation: sourceLocation)
            let framed = try? codec.withEncoded(value, headerRoom: 4) { Array($0[4...]) }
            #expect(framed == b, sourceLocation: sourceLocation)
        case (.failure(let a as CodecError), .failure(let b as CodecError)):
            #expect(a.code == b.code, sourceLocation: sourceLocation)
        default:
            Issue.record("one encoder failed: \(own) vs \(reference)", sourceLocation: sourceLocation)
        }
    }

    /// What both decoders make of `bytes` as a `T`: the same value, or the same error code.
    @discardableResult
    private func expectSameDecoding<T: Decodable & Equatable>(
        _ type: T.Type, _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        let own = Result { try codec.decode(T.self, from: bytes) }
        let reference = Result { try Self.foundation.decode(T.self, from: bytes) }
        switch (own, reference) {
        case (.success(let a), .success(let b)):
            #expect(a == b, "\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
            return true
        case (.failure(let a as CodecError), .failure(let b as CodecError)):
            #expect(
                a.code == b.code && a.codingPath == b.codingPath, "\(a) vs \(b)", sourceLocation: sourceLocation)
            return false
        default:
            Issue.record(
                "\(String(decoding: bytes, as: UTF8.self)): \(own) vs \(reference)", sourceLocation: sourceLocation)
            return false
        }
    }

    // MARK: - Random values

    static func randomString(_ random: inout SplitMix64) -> String {
        let pieces: [String] = [
            "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{00}", "\u{01}", "\u{1F}",
            "\u{7F}", "é", "e\u{301}", "ß", "中", "😀", "\u{2028}", "\u{FEFF}", "key", "<>&",
        ]
        let count = Int(random.next() % 12)
        return (0..<count).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
    }

    static func randomDouble(_ random: inout SplitMix64) -> Double {
        let specials: [Double] = [
            0, -0.0, 1, -1, 1.5, 0.1, 1e20, 1e-7, 1e16, 1e15, 123456789012345680, .leastNonzeroMagnitude,
            2.2250738585072014e-308,
            Double.greatestFiniteMagnitude, -Double.greatestFiniteMagnitude, 1_700_000_000.25, 9_007_199_254_740_994,
        ]
        switch random.next() % 3 {
        case 0: return specials[Int(random.next() % UInt64(specials.count))]
        case 1:
            let value = Double(bitPattern: random.next())
            return value.isFinite ? value : 2.5
        default: return Double(Int64(bitPattern: random.next()) % 1_000_000) / 64
        }
    }

    static func randomInteger<T: FixedWidthInteger>(_ type: T.Type, _ random: inout SplitMix64) -> T {
        switch random.next() % 4 {
        case 0: T.max
        case 1: T.min
        case 2: T(truncatingIfNeeded: random.next() % 300)
        default: T(truncatingIfNeeded: random.next())
        }
    }

    static func randomShape(_ random: inout SplitMix64) -> Shape {
        switch random.next() % 4 {
        case 0: .circle(radius: randomDouble(&random))
        case 1: .rectangle(width: randomInteger(Int.self, &random), height: Int(random.next() % 100))
        case 2: .label(randomString(&random), random.next() % 2 == 0 ? nil : 7)
        default: .empty
        }
    }

    static func randomValue(_ random: inout SplitMix64, depth: Int = 0) -> Value {
        switch random.next() % (depth > 3 ? 6 : 8) {
        case 0: return .null
        case 1: return .bool(random.next() % 2 == 0)
        case 2: return .int(randomInteger(Int64.self, &random))
        case 3: return .uint(UInt64.max - random.next() % 3)
        case 4: return .double(randomDouble(&random))
        case 5: return .string(randomString(&random))
        case 6: return .array((0..<Int(random.next() % 4)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            let count = Int(random.next() % 4)
            return .map(
                (0..<count).map { index in
                    let key: Value = random.next() % 3 == 0 ? .int(Int64(index)) : .string("k\(random.next() % 5)")
                    return (key: key, value: randomValue(&random, depth: depth + 1))
                })
        }
    }

    static func randomMixed(_ random: inout SplitMix64) -> Mixed {
        Mixed(
            int8: randomInteger(Int8.self, &random), int16: randomInteger(Int16.self, &random),
            int32: randomInteger(Int32.self, &random), int64: randomInteger(Int64.self, &random),
            int: randomInteger(Int.self, &random), uint8: randomInteger(UInt8.self, &random),
            uint16: randomInteger(UInt16.self, &random), uint32: randomInteger(UInt32.self, &random),
            uint64: randomInteger(UInt64.self, &random), uint: randomInteger(UInt.self, &random),
            double: randomDouble(&random),
            float: random.next() % 2 == 0
                ? Float(randomDouble(&random).truncatingRemainder(dividingBy: 1e30))
                : Float(bitPattern: 1 + UInt32(random.next() % 8)),
            doubles: (0..<Int(random.next() % 4)).map { _ in randomDouble(&random) },
            text: randomString(&random), texts: (0..<Int(random.next() % 3)).map { _ in randomString(&random) },
            flag: random.next() % 2 == 0, maybe: random.next() % 2 == 0 ? nil : Int(random.next() % 9),
            maybeText: random.next() % 2 == 0 ? nil : randomString(&random),
            date: Date(timeIntervalSince1970: randomDouble(&random).truncatingRemainder(dividingBy: 4e9)),
            data: Data((0..<Int(random.next() % 7)).map { _ in UInt8(truncatingIfNeeded: random.next()) }),
            url: URL(
                string: ["https://example.com/a?b=c", "file:///tmp/x", "rel/path", "http://h/ä"][
                    Int(random.next() % 4)])!,
            byName: Dictionary(
                (0..<Int(random.next() % 5)).map { _ in ("n\(random.next() % 20)", Int(random.next() % 50)) },
                uniquingKeysWith: { a, _ in a }),
            byNumber: Dictionary(
                (0..<Int(random.next() % 4)).map { _ in (Int(random.next() % 30) - 10, randomString(&random)) },
                uniquingKeysWith: { a, _ in a }),
            nested: (0..<Int(random.next() % 3)).map { _ in
                (0..<Int(random.next() % 3)).map { _ in Int(random.next() % 99) }
            },
            shape: randomShape(&random), shapes: (0..<Int(random.next() % 3)).map { _ in randomShape(&random) },
            value: randomValue(&random))
    }

    @Test("random values: the same bytes as Foundation, and both decoders agree on them", arguments: [1, 2, 3])
    func randomValues(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var ownEncodes = 0
        var ownDecodes = 0
        for _ in 0..<150 {
            let mixed = Self.randomMixed(&random)
            expectSameEncoding(mixed)
            let bytes = try Self.foundation.encode(mixed)
            expectSameDecoding(Mixed.self, bytes)
            if codec.ownEncoderWrites(mixed) { ownEncodes += 1 }
            if codec.ownDecoderReads(Mixed.self, from: bytes) { ownDecodes += 1 }
            expectSameDecoding(Value.self, bytes)
            let value = Self.randomValue(&random)
            expectSameEncoding(value)
            if let valueBytes = try? Self.foundation.encode(value) { expectSameDecoding(Value.self, valueBytes) }
        }
        // The comparison is of the own coders, not of Foundation with itself: most messages take the own route (the
        // others hold a `Value` with a repeated key or an integer above `Int64.max`, which go to Foundation).
        #expect(ownEncodes > 100 && ownDecodes > 100, "own encodes \(ownEncodes), own decodes \(ownDecodes) of 150")
    }

    @Test("scalars and containers at the top level, edge numbers and strings")
    func edges() throws {
        expectSameEncoding(1.0)
        expectSameEncoding(1e20)
        expectSameEncoding(1e-7)
        expectSameEncoding(-0.0)
        expectSameEncoding(Float(0.1))
        expectSameEncoding(Float.leastNonzeroMagnitude)
        expectSameEncoding(Double.leastNonzeroMagnitude)
        expectSameEncoding(Double.nan)
        expectSameEncoding([Double.infinity])
        expectSameEncoding(Int.min)
        expectSameEncoding(UInt64.max)
        expectSameEncoding("")
        expectSameEncoding("\u{00}\u{1F}\"\\/é")
        expectSameEncoding([Int]())
        expectSameEncoding([String: Int]())
        expectSameEncoding(["é": 1, "e": 2])
        expectSameEncoding(["b": 1, "a": 2, "B": 3, "a ": 4, "": 5])
        expectSameEncoding(Date(timeIntervalSince1970: 1e9))
        expectSameEncoding(Decimal(string: "3.14159")!)
        expectSameEncoding(Optional<Int>.none)
        expectSameEncoding(Value.extension(type: 3, data: [1]))
        for text in [
            "1", "1.0", "1e2", "-0", "-0.0", "1.5", "1e400", "1e-400", "0e5", "0.0e1", "0.00000", "0.0e-5", "-0e0",
            "1e-40", "1e-46", "3.4028236e38", "3.4028234e38", "1e39", "9007199254740993", "1.0e0",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551615",
            "18446744073709551616", "1E+2", "0.0000001", "01", "-", "1.", ".5", "+1", "\"1\"", "null", "true",
            "[]", "{}", " 7 ", "[1,]", "[1] x", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud83d\\ude00\"", "\"\\u0000\"",
            "\"a\u{01}b\"", "\"\\x\"", "{\"a\":1,\"a\":2}", "[1.5,2.5]",
        ] {
            let bytes = Array(text.utf8)
            expectSameDecoding(Value.self, bytes)
            expectSameDecoding(Int.self, bytes)
            expectSameDecoding(UInt8.self, bytes)
            expectSameDecoding(Int64.self, bytes)
            expectSameDecoding(UInt64.self, bytes)
            expectSameDecoding(Double.self, bytes)
            expectSameDecoding(Float.self, bytes)
            expectSameDecoding(String.self, bytes)
            expectSameDecoding(Bool.self, bytes)
            expectSameDecoding([Int].self, bytes)
            expectSameDecoding([String: Int].self, bytes)
            expectSameDecoding(Date.self, bytes)
            expectSameDecoding(Int?.self, bytes)
        }
    }

    @Test("fixture types and golden JSON files: the same bytes and values")
    func fixtures() throws {
        for golden in GoldenCase.all where golden.files["json"] != nil {
            let bytes = try #require(try golden.bytes("json"))
            expectSameDecoding(Value.self, bytes)
            if let value = try? Self.foundation.decode(Value.self, from: bytes) { expectSameEncoding(value) }
            if golden.swift == "Person" {
                expectSameDecoding(Person.self, bytes)
                expectSameEncoding(try Self.foundation.decode(Person.self, from: bytes))
            }
            if golden.swift == "Order" {
                expectSameDecoding(Order.self, bytes)
                expectSameEncoding(try Self.foundation.decode(Order.self, from: bytes))
            }
        }
    }

    @Test("broken and mutated texts: the same value or the same error code", arguments: [21, 22, 23])
    func brokenTexts(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let alphabet = Array("{}[],:\"\\ 0123456789.-+eEtrufalsn\u{01}é".utf8)
        var decoded = 0
        for _ in 0..<60 {
            let bytes = try Self.foundation.encode(Self.randomMixed(&random))
            for _ in 0..<15 {
                var broken = bytes
                switch random.next() % 4 {
                case 0: broken.removeLast(Int(random.next() % UInt64(broken.count)))
                case 1: broken[Int(random.next() % UInt64(broken.count))] = UInt8(truncatingIfNeeded: random.next())
                case 2:
                    broken[Int(random.next() % UInt64(broken.count))] =
                        alphabet[Int(random.next() % UInt64(alphabet.count))]
                default:
                    broken.insert(
                        alphabet[Int(random.next() % UInt64(alphabet.count))],
                        at: Int(random.next() % UInt64(broken.count)))
                }
                if expectSameDecoding(Mixed.self, broken) { decoded += 1 }
                expectSameDecoding(Value.self, broken)
            }
        }
        // Some mutations (inside strings, digits) keep the text valid: both sides decode those.
        #expect(decoded > 0)
    }

    /// A type that keeps its decoder and reads from it later.
    final class KeepsDecoder: Decodable {
        let decoder: any Decoder
        init(from decoder: any Decoder) throws { self.decoder = decoder }
    }

    @Test("a decoder that outlives the decode reads its own copy of the payload, not the caller's bytes")
    func escapedDecoder() throws {
        var bytes = Array("{\"name\":\"text\"}".utf8)
        let kept = try codec.decode(KeepsDecoder.self, from: bytes)
        for index in bytes.indices { bytes[index] = UInt8(ascii: " ") }
        let container = try kept.decoder.container(keyedBy: AnyKey.self)
        #expect(try container.decode(String.self, forKey: AnyKey(stringValue: "name")) == "text")
        #expect(bytes.allSatisfy { $0 == UInt8(ascii: " ") })
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    @Test("userInfo reaches the types on both paths")
    func userInfo() throws {
        struct Reader: Codable, Equatable {
            static let key = CodingUserInfoKey(rawValue: "gipc.test")!
            var seen: String
            init(seen: String) { self.seen = seen }
            init(from decoder: any Decoder) throws { seen = decoder.userInfo[Self.key] as? String ?? "none" }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                try container.encode(encoder.userInfo[Self.key] as? String ?? "none")
            }
        }
        var codec = JSONCodec()
        codec.userInfo = [Reader.key: "yes"]
        #expect(try codec.encode(Reader(seen: "")) == Array("\"yes\"".utf8))
        #expect(try codec.decode(Reader.self, from: Array("1".utf8)) == Reader(seen: "yes"))
    }
}
