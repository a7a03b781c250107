import Foundation
import GIPCCodecs
import Testing

/// Replays the codec fuzz corpora (Fuzz/corpus/{msgpack,plist,json,value}: seeds and every crash, OOM or timeout
/// the fuzzers found) with the checks of the fuzz targets: hostile bytes get a `CodecError`, never a crash or
/// another error, and a Value that decodes or is generated re-encodes and decodes again.
@Suite("Codec regression corpus")
struct RegressionCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus")

    static func files(_ target: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.appendingPathComponent(target).path))
        return (names ?? []).sorted().map { "\(target)/\($0)" }
    }

    /// Timeouts are replayed with a time bound by their own tests (RegressionSlowDecodeTests).
    static let decoderInputs = (files("msgpack") + files("plist") + files("json")).filter { !$0.contains("/timeout-") }
    /// Inputs that crash the process are replayed as exit tests by their own regression tests.
    static let valueInputs = files("value").filter { !$0.contains("/crash-plist-encoder-") }

    struct Record: Codable {
        var id: Int
        var name: String
        var score: Double?
        var tags: [String]
        var blob: [UInt8]?
        var nested: [String: [Int8]]?
    }

    static func codec(_ target: String) -> any MessageCodec {
        switch target {
        case "msgpack": MessagePackCodec()
        case "plist": PropertyListCodec()
        default: JSONCodec()
        }
    }

    /// `body`'s error, if any, must be a CodecError.
    static func expectCodecErrorOnly<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch is CodecError {
            return nil
        } catch {
            Issue.record("non-CodecError thrown: \(type(of: error)) \(error)")
            return nil
        }
    }

    @Test("the corpora are there") func present() {
        #expect(Self.decoderInputs.count >= 30)
        #expect(Self.valueInputs.count >= 10)
    }

    @Test("each decoder input gets a value or a CodecError", .timeLimit(.minutes(1)), arguments: decoderInputs)
    func replayDecoder(_ path: String) async throws {
        let bytes = [UInt8](try Data(contentsOf: Self.corpus.appendingPathComponent(path)))
        let codec = Self.codec(String(path.prefix { $0 != "/" }))
        let tight: any MessageCodec =
            switch codec.name {
            case "msgpack": MessagePackCodec(limits: DecodeLimits(maxDepth: 8, maxExpansionRatio: 2))
            case "plist": PropertyListCodec(limits: DecodeLimits(maxDepth: 8, maxExpansionRatio: 2))
            default: JSONCodec(limits: DecodeLimits(maxDepth: 8, maxExpansionRatio: 2))
            }
        // Inside a detached task: a task's thread has a smaller stack than the main thread.
        await Task.detached {
            if let value = Self.expectCodecErrorOnly({ try codec.decode(Value.self, from: bytes) }),
                let encoded = Self.expectCodecErrorOnly({ try codec.encode(value) })
            {
                // A re-encoding expands to no more than the value it came from, which was within the expansion
                // budget (maxExpandedBytes; these inputs are far smaller than budget / ratio), so it decodes, to the
                // same value, even when it is denser than the input (RegressionDenserReencodingTests). The fuzz
                // targets still allow expansionLimitExceeded for a denser re-encoding of an input beyond that size.
                #expect(Self.expectCodecErrorOnly { try codec.decode(Value.self, from: encoded) } == value)
            }
            _ = Self.expectCodecErrorOnly { try codec.decode(Record.self, from: bytes) }
            _ = Self.expectCodecErrorOnly { try tight.decode(Value.self, from: bytes) }
            _ = Self.expectCodecErrorOnly { try codec.decode([Int].self, from: bytes) }
        }.value
    }

    @Test("each generated Value survives every codec", .timeLimit(.minutes(1)), arguments: valueInputs)
    func replayValue(_ path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.corpus.appendingPathComponent(path)))
        var generator = ValueGenerator(bytes: bytes)
        let value = generator.value(depth: 0)
        for codec in [MessagePackCodec(), JSONCodec(), PropertyListCodec()] as [any MessageCodec] {
            guard let encoded = Self.expectCodecErrorOnly({ try codec.encode(value) }) else { continue }
            let decoded = Self.expectCodecErrorOnly { try codec.decode(Value.self, from: encoded) }
            #expect(decoded != nil, "\(codec.name)")
            if codec.name == "msgpack" { #expect(decoded == value) }
        }
    }
}

/// The Value generator of Fuzz/Value/ValueFuzz.swift: the same bytes give the same Value.
struct ValueGenerator {
    var bytes: [UInt8]
    var index = 0

    mutating func byte() -> UInt8 {
        guard index < bytes.count else { return 0 }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func integer() -> UInt64 { (0..<8).reduce(UInt64(0)) { acc, _ in acc << 8 | UInt64(byte()) } }

    mutating func blob() -> [UInt8] { (0..<Int(byte() % 24)).map { _ in byte() } }

    mutating func value(depth: Int) -> Value {
        let tag = byte()
        switch tag % (depth > 12 ? 9 : 11) {
        case 0: return .null
        case 1: return .bool(tag & 0x80 != 0)
        case 2: return .int(Int64(bitPattern: integer()))
        case 3: return .uint(integer())
        case 4: return .double(Double(bitPattern: integer()))
        case 5: return .string(String(decoding: blob(), as: UTF8.self))
        case 6: return .bytes(blob())
        case 7: return .date(Date(timeIntervalSince1970: Double(Int32(truncatingIfNeeded: integer())) / 8))
        case 8:
            // Type -1 is the timestamp, which Value carries as .date (see RegressionValueExtensionTests).
            let type = Int8(bitPattern: byte())
            return .extension(type: type == -1 ? 1 : type, data: blob())
        case 9: return .array((0..<Int(byte() % 6)).map { _ in value(depth: depth + 1) })
        default:
            return .map(
                (0..<Int(byte() % 5)).map { _ in (key: value(depth: depth + 1), value: value(depth: depth + 1)) })
        }
    }
}
