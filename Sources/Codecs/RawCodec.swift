internal import Foundation

/// The codec that carries payload bytes as they are, with no framing of its own (name `raw`).
///
/// It encodes and decodes `[UInt8]`, `Data`, `ArraySlice<UInt8>` and ``Value`` (as ``Value/bytes(_:)``) only; any
/// other type is refused with ``CodecError/Code/unsupportedType``. Every payload, including the empty one, is valid.
public struct RawCodec: MessageCodec {
    /// `raw`.
    public var name: String { "raw" }

    /// Creates the raw codec.
    public init() {}

    /// Returns the bytes of `value`.
    ///
    /// - Parameter value: A `[UInt8]`, `Data`, `ArraySlice<UInt8>`, or a ``Value/bytes(_:)``.
    /// - Returns: The same bytes.
    /// - Throws: ``CodecError`` with ``CodecError/Code/unsupportedType`` for any other type or `Value` case.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        var buffer: [UInt8] = []
        try encode(value, appendingTo: &buffer)
        return buffer
    }

    /// Appends the bytes of `value` to `buffer`.
    ///
    /// - Parameters:
    ///   - value: A `[UInt8]`, `Data`, `ArraySlice<UInt8>`, or a ``Value/bytes(_:)``.
    ///   - buffer: The buffer the bytes are appended to.
    /// - Throws: ``CodecError`` with ``CodecError/Code/unsupportedType`` for any other type or `Value` case.
    public func encode<T: Encodable>(_ value: T, appendingTo buffer: inout [UInt8]) throws {
        // Type checks, not value casts: an empty `[Int]` would cast to `[UInt8]`.
        switch T.self {
        case is [UInt8].Type: buffer.append(contentsOf: value as! [UInt8])
        case is Data.Type: buffer.append(contentsOf: value as! Data)
        case is ArraySlice<UInt8>.Type: buffer.append(contentsOf: value as! ArraySlice<UInt8>)
        case is Value.Type:
            let value = value as! Value
            guard case .bytes(let bytes) = value else {
                throw CodecError(.unsupportedType, "raw carries only Value.bytes, not \(value.kind)", codec: name)
            }
            buffer.append(contentsOf: bytes)
        default:
            throw CodecError(.unsupportedType, "raw carries only bytes, not \(T.self)", codec: name)
        }
    }

    /// Returns the payload as `[UInt8]`, `Data`, `ArraySlice<UInt8>` or ``Value/bytes(_:)``.
    ///
    /// - Parameters:
    ///   - type: One of the byte types above.
    ///   - bytes: The payload.
    /// - Returns: A copy of the payload in the requested type.
    /// - Throws: ``CodecError`` with ``CodecError/Code/unsupportedType`` for any other type.
    public func decode<T: Decodable>(_ type: T.Type, fromBytes bytes: UnsafeRawBufferPointer) throws -> T {
        let result: Any
        switch type {
        case is [UInt8].Type: result = [UInt8](bytes)
        case is Data.Type: result = Data(bytes)
        case is ArraySlice<UInt8>.Type: result = ArraySlice(bytes)
        case is Value.Type: result = Value.bytes([UInt8](bytes))
        default:
            throw CodecError(.unsupportedType, "raw carries only bytes, not \(T.self)", codec: name)
        }
        return result as! T  // `result` was made for exactly the type `type` matched
    }
}
