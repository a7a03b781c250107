/// The wire format: a 4-byte big-endian signed length and the payload; lengths above `Int32.max` use the large
/// form, `FF FF FF FF` followed by an 8-byte big-endian unsigned length (CPython `multiprocessing.connection`).
///
/// Below 2 GiB a frame is byte-identical to gipc (`struct.pack("!i", n)`), to `Connection.send_bytes` and to an
/// Erlang port opened with `{packet, 4}`. See docs/PROTOCOL.md.
public enum FrameFormat {
    /// The length of the short header.
    public static let shortHeaderBytes = 4
    /// The length of the large-message header (`FF FF FF FF` + 8-byte length).
    public static let largeHeaderBytes = 12
    /// The largest payload the short header can announce.
    public static let largestShortPayload = Int(Int32.max)
    /// The default per-reader limit on a frame's payload: 64 MiB.
    public static let defaultMaxFrameBytes = 64 << 20

    /// The length of the header in front of a payload of `length` bytes: short up to `Int32.max`, large above.
    public static func headerBytes(forPayloadLength length: Int) -> Int {
        length > largestShortPayload ? largeHeaderBytes : shortHeaderBytes
    }

    /// Appends the short header for a payload of `length` bytes (at most ``largestShortPayload``) to `bytes`.
    static func appendShortHeader(forPayloadLength length: Int, to bytes: inout [UInt8]) {
        let value = UInt32(length)
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// The header for a payload of `length` bytes.
    /// - Parameter length: the payload length; must not be negative.
    /// - Returns: 4 bytes, or 12 bytes for payloads longer than `Int32.max`.
    public static func header(forPayloadLength length: Int) -> [UInt8] {
        withHeader(forPayloadLength: length) { Array($0) }
    }

    /// Calls `body` with the header for a payload of `length` bytes, without allocating.
    static func withHeader<R>(forPayloadLength length: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows
        -> R
    {
        precondition(length >= 0, "negative payload length")
        var bytes: (UInt64, UInt64) = (0, 0)
        return try withUnsafeMutableBytes(of: &bytes) { raw in
            if length <= largestShortPayload {
                raw.storeBytes(of: UInt32(length).bigEndian, toByteOffset: 0, as: UInt32.self)
                return try body(UnsafeRawBufferPointer(rebasing: raw[0..<shortHeaderBytes]))
            }
            raw.storeBytes(of: UInt32.max, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: UInt64(length).bigEndian, toByteOffset: 4, as: UInt64.self)
            return try body(UnsafeRawBufferPointer(rebasing: raw[0..<largeHeaderBytes]))
        }
    }

    /// A whole frame (header and payload) as one byte array.
    public static func frame(_ payload: [UInt8]) -> [UInt8] {
        header(forPayloadLength: payload.count) + payload
    }
}
