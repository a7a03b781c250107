/// MessagePack (name `msgpack`), with its own Codable encoder and decoder.
///
/// Encoding is byte-identical to Python's `msgpack.packb(value, use_bin_type=True)` for the same logical value:
/// integers in their smallest form (non-negative ones unsigned), `String` as str, `[UInt8]` and `Data` as bin,
/// `Double` as float64, `Float` as float32, `nil` as nil, arrays, maps with struct fields as string keys in
/// declaration order (absent optionals are left out), and `Date` as the timestamp extension (-1) in its smallest
/// form. Encoding packs these forms with msgpack-c (see `MessagePackWriter`); the writer tests pin them against
/// Python msgpack at every width boundary.
///
/// Decoding reads in place with a bounds-checked reader. Before anything is decoded the whole payload is walked once
/// without recursion: every length and count is checked against the bytes present, nesting against
/// ``DecodeLimits/maxDepth``, and the payload must end exactly where the value does. Every valid width is accepted
/// (an int16 holding 5 decodes into `Int8`); a value that does not fit its target is a ``CodecError`` with
/// ``CodecError/Code/valueOutOfRange``. When a map repeats a key, the first occurrence wins for Codable types, and
/// ``Value`` keeps every pair. See docs/CODECS.md for the full mapping.
public struct MessagePackCodec: MessageCodec {
    /// `msgpack`.
    public var name: String { "msgpack" }
    /// The limits applied when decoding (and, for nesting, when encoding).
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

    /// Encodes `value` as MessagePack.
    ///
    /// - Parameter value: The value to encode.
    /// - Returns: The payload.
    /// - Throws: ``CodecError`` with ``CodecError/Code/invalidValue`` for a value nested deeper than
    ///   ``DecodeLimits/maxDepth``, a date outside the timestamp range, or containers written out of order.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        try MessagePackCoders.withEncoder(maxDepth: limits.maxDepth, userInfo: userInfo) { encoder in
            do {
                try encoder.encode(value, parent: [], key: nil)
            } catch {
                throw CodecError(encoding: error, codec: name)
            }
            return try encoder.writer.finish()
        }
    }

    /// Encodes `value` as MessagePack after the existing contents of `buffer`.
    ///
    /// - Parameters:
    ///   - value: The value to encode.
    ///   - buffer: The buffer the payload is appended to.
    /// - Throws: The same errors as ``encode(_:)``.
    public func encode<T: Encodable>(_ value: T, appendingTo buffer: inout [UInt8]) throws {
        try MessagePackCoders.withEncoder(maxDepth: limits.maxDepth, userInfo: userInfo) { encoder in
            do {
                try encoder.encode(value, parent: [], key: nil)
            } catch {
                throw CodecError(encoding: error, codec: name)
            }
            try encoder.writer.finish(appendingTo: &buffer)
        }
    }

    /// Encodes `value` as MessagePack into this thread's reused buffer, behind `headerRoom` free bytes, and calls
    /// `body` with the room and the payload together.
    ///
    /// - Parameters:
    ///   - value: The value to encode.
    ///   - headerRoom: The bytes to leave free before the payload.
    ///   - body: What to do with the room and the payload; the buffer is valid only during the call.
    /// - Returns: What `body` returns.
    /// - Throws: The same errors as ``encode(_:)``.
    public func withEncoded<T: Encodable, R>(
        _ value: T, headerRoom: Int, _ body: (UnsafeMutableRawBufferPointer) -> R
    ) throws -> R {
        try MessagePackCoders.withEncoder(maxDepth: limits.maxDepth, headerRoom: headerRoom, userInfo: userInfo) {
            encoder in
            do {
                try encoder.encode(value, parent: [], key: nil)
            } catch {
                throw CodecError(encoding: error, codec: name)
            }
            return body(try encoder.writer.finishInPlace())
        }
    }

    /// Decodes a value of type `type` from a MessagePack payload, in place.
    ///
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - bytes: The complete payload.
    /// - Returns: The decoded value.
    /// - Throws: ``CodecError`` with ``CodecError/Code/truncated``, ``CodecError/Code/trailingBytes``,
    ///   ``CodecError/Code/malformed``, ``CodecError/Code/countExceedsInput``,
    ///   ``CodecError/Code/depthLimitExceeded``, ``CodecError/Code/invalidUTF8``, ``CodecError/Code/typeMismatch``,
    ///   ``CodecError/Code/valueOutOfRange``, ``CodecError/Code/keyNotFound``, ``CodecError/Code/valueNotFound`` or
    ///   ``CodecError/Code/unsupportedExtension``.
    public func decode<T: Decodable>(_ type: T.Type, fromBytes bytes: UnsafeRawBufferPointer) throws -> T {
        let reader = MessagePackBytes(bytes)
        return try MessagePackCoders.withDecoder(bytes: reader, userInfo: userInfo) { decoder in
            do {
                return try decoder.decodeTopLevel(type, maxDepth: limits.maxDepth)
            } catch {
                throw CodecError(decoding: error, codec: name)
            }
        }
    }
}
