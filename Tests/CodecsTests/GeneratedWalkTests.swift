import Foundation
import GIPCBenchRecord
import GIPCCodecs
import GIPCTestSupport
import Testing

/// The one-pass decoding of generated coders (fields read while the map is walked, the payload checked as it is read)
/// and of `Codable` maps (validated while indexed), against the routes that validate first: the same values from the
/// same bytes and the same errors from the same broken bytes, whatever the key order, unknown or repeated keys.
@Suite("MessagePack one-pass decoding")
struct GeneratedWalkTests {
    private let codec = MessagePackCodec()

    static func randomRecord(_ random: inout SplitMix64) -> BenchRecord {
        var record = BenchRecord.sample
        record.id = GeneratedCoderTests.randomInt(&random)
        record.timestamp = Double(GeneratedCoderTests.randomInt(&random)) / 3
        record.symbol = GeneratedCoderTests.randomString(&random)
        record.price = Double(GeneratedCoderTests.randomInt(&random))
        record.quantity = GeneratedCoderTests.randomInt(&random)
        record.side = GeneratedCoderTests.randomString(&random)
        record.venue = GeneratedCoderTests.randomString(&random)
        record.flags = (0..<Int(random.next() % 20)).map { _ in GeneratedCoderTests.randomInt(&random) }
        return record
    }

    /// Compares both routes on `bytes`: equal values, or errors equal in code, path, offset and message.
    /// - Returns: Whether both failed.
    @discardableResult
    func compare(_ bytes: [UInt8]) -> Bool {
        let codable = Result { try codec.decode(BenchRecord.self, from: bytes) }
        let generated = Result { try codec.decode(GeneratedBenchRecord.self, from: bytes) }
        switch (codable, generated) {
        case (.success(let left), .success(let right)):
            #expect(GeneratedBenchRecord(left) == right)
            return false
        case (.failure(let left as CodecError), .failure(let right as CodecError)):
            #expect(left.code == right.code, "\(left) vs \(right)")
            #expect(left.codingPath == right.codingPath, "\(left) vs \(right)")
            #expect(left.byteOffset == right.byteOffset, "\(left) vs \(right)")
            #expect(left.message == right.message, "\(left) vs \(right)")
            return true
        default:
            Issue.record("Codable gave \(codable), generated \(generated)")
            return false
        }
    }

    @Test("random records with [Int] and long or non-ASCII strings: the same bytes and values both ways")
    func randomRecords() throws {
        var random = SplitMix64(seed: 21)
        for _ in 0..<500 {
            let record = Self.randomRecord(&random)
            let bytes = try codec.encode(record)
            #expect(try codec.encode(GeneratedBenchRecord(record)) == bytes)
            #expect(try codec.decode(GeneratedBenchRecord.self, from: bytes) == GeneratedBenchRecord(record))
            #expect(try codec.decode(BenchRecord.self, from: bytes) == record)
        }
    }

    @Test("broken records give the same value or the same error both ways", arguments: [31, 32, 33])
    func brokenRecords(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var errors = 0
        for _ in 0..<200 {
            let bytes = try codec.encode(Self.randomRecord(&random))
            for _ in 0..<10 {
                var broken = bytes
                switch random.next() % 4 {
                case 0: broken.removeLast(Int(random.next() % UInt64(broken.count)))
                case 1: broken[Int(random.next() % UInt64(broken.count))] = UInt8(truncatingIfNeeded: random.next())
                case 2: broken[Int(random.next() % UInt64(broken.count))] ^= 1 << (random.next() % 8)
                default: broken.append(contentsOf: [0xc0, 0x01].prefix(Int(random.next() % 3)))
                }
                if compare(broken) { errors += 1 }
            }
        }
        #expect(errors > 100)
    }

    @Test("keys shuffled, unknown, repeated or missing: the same value or error both ways")
    func keyOrders() throws {
        var random = SplitMix64(seed: 41)
        var failures = 0
        for _ in 0..<400 {
            let record = Self.randomRecord(&random)
            guard case .map(var pairs) = try codec.decode(Value.self, from: try codec.encode(record)) else {
                Issue.record("a record is not a map")
                return
            }
            switch random.next() % 5 {
            case 0: pairs.shuffle(using: &random)
            case 1:
                pairs.insert(
                    (key: .string("extra"), value: .array([.int(1), .map([])])),
                    at: Int(random.next() % UInt64(pairs.count + 1)))
            case 2:
                let copy = pairs[Int(random.next() % UInt64(pairs.count))]
                pairs.insert(
                    (key: copy.key, value: .string("second")), at: Int(random.next() % UInt64(pairs.count + 1)))
            case 3: pairs.remove(at: Int(random.next() % UInt64(pairs.count)))
            default:
                pairs[Int(random.next() % UInt64(pairs.count))].value = .array([.string("x")])
            }
            if compare(try codec.encode(Value.map(pairs))) { failures += 1 }
        }
        #expect(failures > 50)
    }

    @Test("the depth limit and a record that is not a map give the Codable errors")
    func limits() throws {
        let bytes = try codec.encode(BenchRecord.sample)
        for maxDepth in 0..<3 {
            let limited = MessagePackCodec(limits: DecodeLimits(maxDepth: maxDepth))
            let codable = Result { try limited.decode(BenchRecord.self, from: bytes) }
            let generated = Result { try limited.decode(GeneratedBenchRecord.self, from: bytes) }
            switch (codable, generated) {
            case (.success, .success): #expect(maxDepth >= 2)
            case (.failure(let left as CodecError), .failure(let right as CodecError)):
                #expect(maxDepth < 2)
                #expect(left.code == .depthLimitExceeded)
                #expect(left.code == right.code && left.byteOffset == right.byteOffset && left.message == right.message)
            default: Issue.record("Codable gave \(codable), generated \(generated)")
            }
        }
        for other in [try codec.encode([1, 2]), try codec.encode("text"), [0xdf, 0xff, 0xff, 0xff, 0xff]] {
            #expect(compare(other))
        }
    }

    @Test("a Codable map validated while indexed fails as a separate validating pass does", arguments: [51, 52])
    func foldedValidation(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let structural: Set<CodecError.Code> = [
            .truncated, .malformed, .countExceedsInput, .depthLimitExceeded, .trailingBytes,
        ]
        var compared = 0
        for _ in 0..<300 {
            let bytes = try codec.encode(GeneratedCoderTests.randomOrder(&random))
            var broken = bytes
            switch random.next() % 3 {
            case 0: broken.removeLast(1 + Int(random.next() % UInt64(broken.count - 1)))
            case 1: broken[Int(random.next() % UInt64(broken.count))] = UInt8(truncatingIfNeeded: random.next())
            default: broken.append(0xc0)
            }
            // `Value` validates the whole payload before it decodes anything.
            guard
                case .failure(let first as CodecError) = Result(catching: { try codec.decode(Value.self, from: broken) }
                ),
                structural.contains(first.code)
            else { continue }
            compared += 1
            let error = #expect(throws: CodecError.self) { try codec.decode(Order.self, from: broken) }
            #expect(error?.code == first.code, "\(String(describing: error)) vs \(first)")
            #expect(error?.message == first.message && error?.byteOffset == first.byteOffset)
            #expect(error?.codingPath == first.codingPath)
        }
        #expect(compared > 100)
    }

    @Test("withEncoded gives the bytes of encode behind the room asked for", arguments: [0, 4, 12])
    func encodedInPlace(room: Int) throws {
        let codecs: [any MessageCodec] = [MessagePackCodec(), JSONCodec(), PropertyListCodec()]
        var random = SplitMix64(seed: 61)
        for codec in codecs {
            let order = [GeneratedCoderTests.randomOrder(&random)]
            let expected = try codec.encode(order)
            let encoded = try codec.withEncoded(order, headerRoom: room) { frame in [UInt8](frame[room...]) }
            #expect(encoded == expected, "\(codec.name)")
            let frameCount = try codec.withEncoded(order, headerRoom: room) { $0.count }
            #expect(frameCount == room + expected.count)
        }
        let record = GeneratedBenchRecord.sample
        let bytes = try codec.encode(record)
        #expect(try codec.withEncoded(record, headerRoom: room) { [UInt8]($0[room...]) } == bytes)
    }
}
