internal import Foundation

/// JSON (name `json`), through Foundation's `JSONEncoder` and `JSONDecoder` with fixed options.
///
/// Options, the same at both ends: keys sorted (`.sortedKeys`, so equal values give equal bytes), slashes not
/// escaped, `Date` as seconds since 1970 (a number), `Data` as base64, non-finite floats refused.
///
/// Before Foundation sees a payload, one pass without recursion checks that it is valid UTF-8, that arrays and
/// objects nest no deeper than ``DecodeLimits/maxDepth``, and that nothing follows the top-level array or object.
/// Foundation keeps the first value of a repeated key. See docs/CODECS.md.
public struct JSONCodec: MessageCodec {
    /// `json`.
    public var name: String { "json" }
    /// The limits applied when decoding. Foundation itself refuses nesting deeper than 512 in any case.
    public var limits: DecodeLimits

    /// Creates the codec.
    ///
    /// - Parameter limits: The decode limits; ``DecodeLimits/default`` unless given.
    public init(limits: DecodeLimits = .default) {
        self.limits = limits
    }

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

    /// Encodes `value` as JSON text (UTF-8).
    ///
    /// - Parameter value: The value to encode.
    /// - Returns: The payload.
    /// - Throws: ``CodecError`` with ``CodecError/Code/invalidValue`` for NaN or infinity, a ``Value`` extension,
    ///   or anything else Foundation refuses.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        do {
            return [UInt8](try Self.makeEncoder().encode(value))
        } catch {
            throw CodecError(encoding: error, codec: name)
        }
    }

    /// Decodes a value of type `type` from JSON text.
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
        try JSONScanner(bytes: bytes, codec: name).check(maxDepth: limits.maxDepth)
        let data =
            bytes.baseAddress.map {
                Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: $0), count: bytes.count, deallocator: .none)
            } ?? Data()
        do {
            return try Self.makeDecoder().decode(type, from: data)
        } catch {
            throw CodecError(decoding: error, codec: name)
        }
    }
}
