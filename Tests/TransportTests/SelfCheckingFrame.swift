/// A frame that carries its sender, sequence number, size and a checksum of its body.
enum SelfCheckingFrame {
    static func make(sender: Int, sequence: Int, size: Int) -> [UInt8] {
        var frame = [UInt8](repeating: 0, count: max(size, 16))
        write(UInt32(sender), into: &frame, at: 0)
        write(UInt32(sequence), into: &frame, at: 4)
        let body = pattern(count: frame.count - 16, seed: UInt32(sender * 100_000 + sequence))
        frame.replaceSubrange(16..., with: body)
        write(UInt32(frame.count), into: &frame, at: 8)
        write(checksum(body), into: &frame, at: 12)
        return frame
    }

    static func verify(_ frame: [UInt8]) -> (sender: Int, sequence: Int)? {
        guard frame.count >= 16, read(frame, at: 8) == UInt32(frame.count) else { return nil }
        guard read(frame, at: 12) == checksum(frame[16...]) else { return nil }
        return (Int(read(frame, at: 0)), Int(read(frame, at: 4)))
    }

    private static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return hash
    }

    private static func write(_ value: UInt32, into frame: inout [UInt8], at offset: Int) {
        for index in 0..<4 { frame[offset + index] = UInt8(truncatingIfNeeded: value >> (24 - 8 * index)) }
    }

    private static func read(_ frame: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 << 8 | UInt32(frame[offset + $1]) }
    }
}
