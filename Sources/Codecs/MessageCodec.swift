/// Turns typed values into the payload bytes of one frame and back.
///
/// A pipe carries frames; what is inside a frame is decided per pipe by its codec. GIPCCodecs ships four:
///
/// | codec | ``name`` | carries |
/// |---|---|---|
/// | ``RawCodec`` | `raw` | bytes as they are: `[UInt8]`, `Data`, ``Value/bytes(_:)`` |
/// | ``JSONCodec`` | `json` | any `Codable` value, as JSON text (Foundation) |
/// | ``PropertyListCodec`` | `plist` | any `Codable` value, as a binary property list (Foundation, hardened decoding) |
/// | ``MessagePackCodec`` | `msgpack` | any `Codable` value, as MessagePack (msgpack-c) |
///
/// Users can add their own codec by conforming to this protocol. Conformers are values that can be shared between
/// tasks; they report every failure as a ``CodecError`` and must never crash or allocate without bound on hostile
/// input.
///
/// ```swift
/// let codec = MessagePackCodec()
/// let bytes = try codec.encode(Order(id: 7, item: "tea"))
/// let order = try codec.decode(Order.self, from: bytes)
/// ```
public protocol MessageCodec: Sendable {
    /// The stable name both ends of a pipe agree on: `raw`, `json`, `plist`, `msgpack`, or a user codec's own.
    var name: String { get }

    /// What distinguishes this instance from the codec that its ``name`` alone makes, as `name=value` pairs, so that
    /// a child process given a handle can rebuild exactly this codec (GIPCKit carries them with the handle).
    ///
    /// The built-in codecs report their ``DecodeLimits`` that differ from the defaults (empty for a default codec).
    /// Names and values may use letters, digits and `_ . + -` only. `nil` means the configuration cannot be
    /// described: a handle with such a codec is refused for transfer rather than rebuilt differently in the child.
    /// Default: empty (the codec registered under ``name`` is this codec).
    var settings: [String: String]? { get }

    /// Encodes `value` into a new payload.
    ///
    /// - Parameter value: The value to encode.
    /// - Returns: The payload bytes.
    /// - Throws: ``CodecError`` with ``CodecError/Code/unsupportedType`` or ``CodecError/Code/invalidValue``
    ///   when the value cannot be carried by this codec.
    func encode<T: Encodable>(_ value: T) throws -> [UInt8]

    /// Encodes `value` and appends the payload to `buffer`, so that a caller can put a frame header in front of it
    /// without another copy.
    ///
    /// - Parameters:
    ///   - value: The value to encode.
    ///   - buffer: The buffer the payload is appended to. On error its contents are unspecified but valid.
    /// - Throws: The same errors as ``encode(_:)``.
    func encode<T: Encodable>(_ value: T, appendingTo buffer: inout [UInt8]) throws

    /// Encodes `value` into a buffer that the codec may reuse from call to call, with `headerRoom` bytes of room in
    /// front of the payload, and calls `body` with the room and the payload together (the payload starts at offset
    /// `headerRoom`), so that a caller can write a frame header into the room and send both without a copy.
    ///
    /// The buffer is valid only during `body`; `body` must not encode with the same codec on the same thread (it
    /// would get a buffer of its own, at the cost of an allocation).
    ///
    /// - Parameters:
    ///   - value: The value to encode.
    ///   - headerRoom: The bytes to leave free before the payload (their contents are unspecified).
    ///   - body: What to do with the room and the payload.
    /// - Returns: What `body` returns.
    /// - Throws: The same errors as ``encode(_:)``.
    func withEncoded<T: Encodable, R>(
        _ value: T, headerRoom: Int, _ body: (UnsafeMutableRawBufferPointer) -> R
    ) throws -> R

    /// Decodes a value of type `type` from `bytes`, which stay valid only for the duration of the call.
    ///
    /// This is the path every other `decode` overload ends in; large payloads decode from it in place, without
    /// copies.
    ///
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - bytes: The complete payload of one frame.
    /// - Returns: The decoded value.
    /// - Throws: ``CodecError`` with, among others, ``CodecError/Code/truncated``,
    ///   ``CodecError/Code/trailingBytes``, ``CodecError/Code/malformed``, ``CodecError/Code/depthLimitExceeded``,
    ///   ``CodecError/Code/countExceedsInput``, ``CodecError/Code/typeMismatch``,
    ///   ``CodecError/Code/valueOutOfRange`` or ``CodecError/Code/keyNotFound``.
    func decode<T: Decodable>(_ type: T.Type, fromBytes bytes: UnsafeRawBufferPointer) throws -> T
}

extension MessageCodec {
    /// No settings: the codec that its name makes is this codec.
    public var settings: [String: String]? { [:] }

    /// Encodes `value` and appends the payload to `buffer` (default: ``encode(_:)`` followed by an append).
    ///
    /// - Parameters:
    ///   - value: The value to encode.
    ///   - buffer: The buffer the payload is appended to.
    /// - Throws: The same errors as ``encode(_:)``.
    public func encode<T: Encodable>(_ value: T, appendingTo buffer: inout [UInt8]) throws {
        buffer.append(contentsOf: try encode(value))
    }

    /// Encodes `value` with ``encode(_:)`` and calls `body` with a copy of the payload behind `headerRoom` free bytes
    /// (the default; codecs with a reusable buffer encode into it instead).
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
        let payload = try encode(value)
        return withUnsafeTemporaryAllocation(byteCount: headerRoom + payload.count, alignment: 8) { frame in
            payload.withUnsafeBytes { bytes in
                if let source = bytes.baseAddress {
                    (frame.baseAddress! + headerRoom).copyMemory(from: source, byteCount: bytes.count)
                }
            }
            return body(frame)
        }
    }

    /// Decodes a value of type `type` from a byte array.
    ///
    /// - Parameters:
    ///   - type: The type to decode; may be left out where Swift can infer it.
    ///   - bytes: The complete payload of one frame.
    /// - Returns: The decoded value.
    /// - Throws: The same errors as ``decode(_:fromBytes:)``.
    public func decode<T: Decodable>(_ type: T.Type = T.self, from bytes: [UInt8]) throws -> T {
        try bytes.withUnsafeBytes { try decode(type, fromBytes: $0) }
    }

    /// Decodes a value of type `type` from any collection of bytes (`Data`, `ArraySlice<UInt8>`, a byte buffer).
    ///
    /// Contiguous collections are read in place; others are copied once into an array first.
    ///
    /// - Parameters:
    ///   - type: The type to decode; may be left out where Swift can infer it.
    ///   - bytes: The complete payload of one frame.
    /// - Returns: The decoded value.
    /// - Throws: The same errors as ``decode(_:fromBytes:)``.
    public func decode<T: Decodable, Bytes: Collection<UInt8>>(
        _ type: T.Type = T.self, from bytes: Bytes
    ) throws -> T {
        if let result = try bytes.withContiguousStorageIfAvailable({ buffer in
            try decode(type, fromBytes: UnsafeRawBufferPointer(buffer))
        }) {
            return result
        }
        return try decode(type, from: Array(bytes))
    }
}
