import Foundation

/// The soak's messages: `Data` whose first 20 bytes are a header (sequence number, body length, checksum) and
/// whose body is a pattern derived from the sequence number. `Data` crosses every codec: raw bytes, JSON base64,
/// property list data, MessagePack bin.
enum SoakMessage {
    static let headerBytes = 20

    /// A message with sequence number `sequence` and a body of `bodyBytes` bytes.
    static func make(sequence: UInt64, bodyBytes: Int) -> Data {
        var data = Data(count: headerBytes + bodyBytes)
        data.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: sequence.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: UInt32(bodyBytes).bigEndian, toByteOffset: 8, as: UInt32.self)
            var state = sequence &* 0x9E37_79B9_7F4A_7C15 | 1
            let body = raw.baseAddress! + headerBytes
            var index = 0
            while index + 8 <= bodyBytes {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                (body + index).storeBytes(of: state, as: UInt64.self)
                index += 8
            }
            while index < bodyBytes {
                body.storeBytes(
                    of: UInt8(truncatingIfNeeded: state >> (index % 8 * 8)), toByteOffset: index, as: UInt8.self)
                index += 1
            }
            let sum = checksum(
                UnsafeRawBufferPointer(rebasing: raw[0..<12]), UnsafeRawBufferPointer(rebasing: raw[20...]))
            raw.storeBytes(of: sum.bigEndian, toByteOffset: 12, as: UInt64.self)
        }
        return data
    }

    /// The sequence number of `data` if its length and checksum are right; `nil` if it is corrupt.
    static func check(_ data: Data) -> UInt64? {
        guard data.count >= headerBytes else { return nil }
        return data.withUnsafeBytes { raw -> UInt64? in
            let sequence = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            let length = UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            let sum = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 12, as: UInt64.self))
            guard Int(length) == data.count - headerBytes else { return nil }
            let actual = checksum(
                UnsafeRawBufferPointer(rebasing: raw[0..<12]), UnsafeRawBufferPointer(rebasing: raw[20...]))
            return actual == sum ? sequence : nil
        }
    }

    /// A 64-bit checksum (FNV-1a over 8-byte words, then the tail bytes) of the header fields and the body.
    private static func checksum(_ header: UnsafeRawBufferPointer, _ body: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in header { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        var index = 0
        while index + 8 <= body.count {
            hash = (hash ^ body.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0x100_0000_01B3
            index += 8
        }
        while index < body.count {
            hash = (hash ^ UInt64(body[index])) &* 0x100_0000_01B3
            index += 1
        }
        return hash
    }
}
