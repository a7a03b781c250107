internal import Foundation

/// JSON (name `json`): the text and values of Foundation's `JSONEncoder` and `JSONDecoder` with fixed options.
///
/// Options, the same at both ends: keys sorted (`.sortedKeys`, so equal values give equal bytes), slashes not
/// escaped, `Date` as seconds since 1970 (a number), `Data` as base64, non-finite floats refused.
///
/// The codec's own streaming encoder and one-pass decoder produce exactly what Foundation's configured coders produce,
/// in about a third of the instructions; a message they do not reproduce exactly (unusual keys, repeated keys,
/// containers used out of order, numbers Foundation reads through `Decimal`, any error) is encoded or decoded by
/// Foundation itself. docs/CODECS.md, "JSON details", lists what runs where.
///
/// A `Date` comes back within half a microsecond, not bit for bit: Foundation keeps dates as seconds since 2001 in a
/// `Double`, and moving that to seconds since 1970 and back rounds twice (at most 4.8e-7 s for dates before 2106).
/// Use the plist codec for exact dates, or carry the `Double` of `timeIntervalSinceReferenceDate` yourself.
///
/// Before Foundation sees a payload, one pass without recursion checks that it is valid UTF-8, that arrays and
/// objects nest no deeper than ``DecodeLimits/maxDepth``, and that nothing follows the top-level array or object (the
/// own decoder's strict pass checks the same). The first value of a repeated key wins. See docs/CODECS.md.
public struct JSONCodec: MessageCodec {
    /// `json`.
    public var name: String { "json" }
    /// The limits applied when decoding. Foundation itself refuses nesting deeper than 512 in any case.
    public var limits: DecodeLimits
    /// The limits that differ from the defaults (see ``MessageCodec/settings``).
    public var settings: [String: String]? { limits.settings }
    /// What the encoder and decoder offer as `userInfo` to the types they handle (for example the actor system that
    /// a distributed actor reference resolves with). Not carried with a transferred handle.
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// Creates the codec.
    ///
    /// - Parameter limits: The decode limits; ``DecodeLimits/default`` unless given.
    public init(limits: DecodeLimits = .default) {
        self.limits = limits
    }

    /// One configured encoder and decoder for every message: Foundation's are safe to use from many threads at
    /// once (their options sit behind a lock), and configuring new ones cost about 4% of a small message.
    private static let sharedEncoder = makeEncoder()
    private static let sharedDecoder = makeDecoder()

    private static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.dataEncodingStrategy = .base64
        encoder.nonConformingFloatEncodingStrategy = .throw
        return encoder
    }

    private static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        decoder.dataDecodingStrategy = .base64
        decoder.nonConformingFloatDecodingStrategy = .throw
        return decoder
    }

    /// Whether every message goes through Foundation's `JSONEncoder` and `JSONDecoder` only, as before the codec had
    /// its own coders: the reference the differential tests and `gipc-codec-profile json-foundation` compare with.
    package var foundationOnly = false

    /// Encodes `value` as JSON text (UTF-8).
    ///
    /// The codec's own streaming encoder writes the bytes Foundation's configured `JSONEncoder` writes; what it does
    /// not reproduce itself (see docs/CODECS.md) is encoded by Foundation.
    ///
    /// - Parameter value: The value to encode.
    /// - Returns: The payload.
    /// - Throws: ``CodecError`` with ``CodecError/Code/invalidValue`` for NaN or infinity, a ``Value`` extension,
    ///   or anything else Foundation refuses; ``CodecError/Code/depthLimitExceeded`` when Foundation's writer refuses
    ///   the whole value, which it does for nesting deeper than ``maxEncodingDepth``.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        if !foundationOnly, let writer = ownEncoding(value, headerRoom: 0) { return writer.bytes }
        return try foundationEncode(value)
    }

    /// Encodes `value` into one buffer behind `headerRoom` free bytes and calls `body` with it.
    ///
    /// - Parameters:
    ///   - value: The value to encode.
    ///   - headerRoom: The bytes to leave free before the payload.
    ///   - body: What to do with the room and the payload.
    /// - Returns: What `body` returns.
    /// - Throws: The same errors as ``encode(_:)``.
    public func withEncoded<T: Encodable, R>(
        _ value: T, headerRoom: Int, _ body: (UnsafeMutableRawBufferPointer) -> R
    ) throws -> R {
        if !foundationOnly, var writer = ownEncoding(value, headerRoom: headerRoom) {
            return writer.bytes.withUnsafeMutableBytes { body($0) }
        }
        var bytes = [UInt8](repeating: 0, count: headerRoom)
        bytes.append(contentsOf: try foundationEncode(value))
        return bytes.withUnsafeMutableBytes { body($0) }
    }

    /// The own encoder's text, or `nil` when the message is Foundation's to encode (including every failure, so that
    /// errors are Foundation's).
    private func ownEncoding<T: Encodable>(_ value: T, headerRoom: Int) -> JSONTextWriter? {
        let encoder = JSONTextEncoder(userInfo: userInfo, headerRoom: headerRoom)
        do {
            try encoder.encodeTopLevel(value)
        } catch {
            return nil
        }
        return encoder.needsFoundation ? nil : encoder.writer
    }

    /// Whether the codec's own encoder writes `value` itself (rather than leaving it to Foundation); for tests.
    package func ownEncoderWrites<T: Encodable>(_ value: T) -> Bool { ownEncoding(value, headerRoom: 0) != nil }

    /// Whether the codec's own decoder reads a `T` from `bytes` itself (rather than leaving it to Foundation); for
    /// tests.
    package func ownDecoderReads<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { bytes in
            guard let tape = JSONTextTape.parse(bytes, maxDepth: min(limits.maxDepth, 512)) else { return false }
            let decoder = JSONTextDecoder(bytes: bytes, tape: tape, userInfo: userInfo)
            return (try? decoder.unwrap(T.self, at: 0, component: nil)) != nil && !decoder.needsFoundation
        }
    }

    /// Encodes `value` with Foundation's configured `JSONEncoder`.
    package func foundationEncode<T: Encodable>(_ value: T) throws -> [UInt8] {
        do {
            guard !userInfo.isEmpty else { return [UInt8](try Self.sharedEncoder.encode(value)) }
            let encoder = Self.makeEncoder()
            encoder.userInfo = userInfo
            return [UInt8](try encoder.encode(value))
        } catch EncodingError.invalidValue(_, let context)
            where context.codingPath.isEmpty && context.debugDescription == Self.writerRefusal
        {
            throw CodecError(
                .depthLimitExceeded,
                "Foundation's JSON writer refused the value: it nests deeper than \(Self.maxEncodingDepth) levels, "
                    + "the most Foundation writes (msgpack and plist carry up to DecodeLimits.maxDepth)",
                codec: name)
        } catch {
            throw CodecError(encoding: error, codec: name)
        }
    }

    /// The deepest nesting Foundation's `JSONEncoder` writes: 511 arrays and objects, one below the 512 its decoder
    /// reads (its writer counts the top level twice). Deeper values fail to encode with
    /// ``CodecError/Code/depthLimitExceeded``; see docs/CODECS.md.
    public static let maxEncodingDepth = 511

    /// What Foundation's JSON writer says, with an empty coding path, when it refuses a value as a whole.
    private static let writerRefusal = "Unable to encode the given top-level value to JSON."

    /// Decodes a value of type `type` from JSON text.
    ///
    /// The codec's own decoder reads the text in one strict pass; text it refuses, and the cases it leaves to
    /// Foundation, go through the pre-scan and Foundation's configured `JSONDecoder`, whose error a failure reports.
    ///
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - bytes: The complete payload.
    /// - Returns: The decoded value.
    /// - Throws: ``CodecError`` with ``CodecError/Code/invalidUTF8``, ``CodecError/Code/depthLimitExceeded``,
    ///   ``CodecError/Code/trailingBytes``, ``CodecError/Code/malformed`` (any other invalid JSON, including
    ///   numbers beyond 64 bits), ``CodecError/Code/typeMismatch``, ``CodecError/Code/valueOutOfRange``,
    ///   ``CodecError/Code/keyNotFound`` or ``CodecError/Code/valueNotFound``.
    public func decode<T: Decodable>(_ type: T.Type, fromBytes bytes: UnsafeRawBufferPointer) throws -> T {
        if !foundationOnly, let tape = JSONTextTape.parse(bytes, maxDepth: min(limits.maxDepth, 512)) {
            var decoder = JSONTextDecoder(bytes: bytes, tape: tape, userInfo: userInfo)
            let value = try? decoder.unwrap(T.self, at: 0, component: nil)
            if !isKnownUniquelyReferenced(&decoder) { decoder.keepPayload() }
            if let value, !decoder.needsFoundation { return value }
        }
        return try foundationDecode(type, fromBytes: bytes)
    }

    /// Decodes with the pre-scan and Foundation's configured `JSONDecoder`.
    package func foundationDecode<T: Decodable>(_ type: T.Type, fromBytes bytes: UnsafeRawBufferPointer) throws -> T {
        try JSONScanner(bytes: bytes, codec: name).check(maxDepth: limits.maxDepth)
        let data =
            bytes.baseAddress.map {
                Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: $0), count: bytes.count, deallocator: .none)
            } ?? Data()
        do {
            guard !userInfo.isEmpty else { return try Self.sharedDecoder.decode(type, from: data) }
            let decoder = Self.makeDecoder()
            decoder.userInfo = userInfo
            return try decoder.decode(type, from: data)
        } catch {
            throw CodecError(decoding: error, codec: name)
        }
    }
}
