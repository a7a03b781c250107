// Shared by the codec fuzz targets (scripts/build-fuzzers.sh compiles this file into each, in one module with
// Sources/Codecs) and the corpus replays in the codec tests: what they decode and generate, and what they check.

internal import Foundation

#if canImport(GIPCCodecs)
    public import GIPCCodecs
#endif

/// A typed record that hostile bytes are decoded into, besides ``Value`` and `[Int]`.
public struct FuzzRecord: Codable, Equatable {
    var id: Int
    var name: String
    var score: Double?
    var tags: [String]
    var blob: [UInt8]?
    var nested: [String: [Int8]]?
}

/// The limits of the "tight" decodes: shallow nesting and a low expansion ratio.
public let tightDecodeLimits = DecodeLimits(maxDepth: 8, maxExpansionRatio: 2)

/// Runs codec calls on hostile input, where the only acceptable failure is a ``CodecError``.
public struct CodecErrorsOnly: Sendable {
    /// Told of any other error: a bug, since hostile input must get a typed error.
    private let report: @Sendable (String) -> Void

    /// Creates the checker.
    ///
    /// - Parameter report: Told of each error that is not a `CodecError`, and of each failed check (a fuzz target
    ///   traps, a test records an issue).
    public init(report: @escaping @Sendable (String) -> Void) {
        self.report = report
    }

    /// Runs `body`.
    ///
    /// - Parameters:
    ///   - what: What `body` does, for the report.
    ///   - body: The codec call.
    /// - Returns: `body`'s result, or `nil` when it throws (a `CodecError`, or another error after it is reported).
    @inline(never)
    public func callAsFunction<T>(_ what: String, _ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch is CodecError {
            return nil
        } catch {
            report("\(what): non-CodecError thrown: \(type(of: error)) \(error)")
            return nil
        }
    }

    /// Decodes `bytes` every way the decoder fuzz targets do: into ``Value``, ``FuzzRecord`` and `[Int]` with
    /// `codec`, and into `Value` with `tight`. A `Value` that decodes is encoded again.
    ///
    /// - Parameters:
    ///   - bytes: Hostile bytes.
    ///   - codec: The codec under test, with default limits.
    ///   - tight: The same codec with ``tightDecodeLimits``.
    /// - Returns: The decoded `Value` and its re-encoding, when both succeed, for the caller to decode again.
    public func decodeEveryWay(
        _ bytes: UnsafeRawBufferPointer, codec: some MessageCodec, tight: some MessageCodec
    ) -> (value: Value, reencoded: [UInt8])? {
        let name = codec.name
        _ = self("\(name) FuzzRecord") { try codec.decode(FuzzRecord.self, fromBytes: bytes) }
        _ = self("\(name) tight Value") { try tight.decode(Value.self, fromBytes: bytes) }
        _ = self("\(name) [Int]") { try codec.decode([Int].self, fromBytes: bytes) }
        guard let value = self("\(name) Value", { try codec.decode(Value.self, fromBytes: bytes) }),
            let encoded = self("\(name) re-encode", { try codec.encode(value) })
        else { return nil }
        return (value, encoded)
    }

    /// Encodes `value` with every codec that carries it; what encodes must decode again, and MessagePack (which
    /// carries every case) must give back an equal value. JSON and property lists are lossy by design (no null in
    /// plists, bytes as base64 in JSON, sorted keys; see docs/CODECS.md).
    ///
    /// - Parameter value: A generated value.
    public func roundTripEveryCodec(_ value: Value) {
        for codec in [MessagePackCodec(), JSONCodec(), PropertyListCodec()] as [any MessageCodec] {
            guard let encoded = self("\(codec.name) encode", { try codec.encode(value) }) else { continue }
            let decoded = self("\(codec.name) decode") { try codec.decode(Value.self, from: encoded) }
            if decoded == nil {
                report("\(codec.name): an encoded Value does not decode: \(value)")
            } else if codec.name == "msgpack", decoded != value {
                report("msgpack round trip changed \(value) into \(decoded!)")
            }
        }
    }
}

/// Makes ``Value``s from bytes, independently of any decoder: the same bytes give the same value. Past the bytes,
/// every byte reads as 0.
public struct ValueGenerator {
    private let bytes: [UInt8]
    private var index = 0

    /// Creates a generator that reads `bytes`.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func byte() -> UInt8 {
        guard index < bytes.count else { return 0 }
        defer { index += 1 }
        return bytes[index]
    }

    private mutating func integer() -> UInt64 { (0..<8).reduce(UInt64(0)) { acc, _ in acc << 8 | UInt64(byte()) } }

    private mutating func blob() -> [UInt8] { (0..<Int(byte() % 24)).map { _ in byte() } }

    /// The next value. Containers are made only down to depth 12, so that values stay small.
    ///
    /// - Parameter depth: The nesting depth of the value to make (0 for a top-level value).
    /// - Returns: The value.
    public mutating func value(depth: Int) -> Value {
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
