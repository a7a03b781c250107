#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns the bytes a child writes into lines, with bounded memory whatever the child writes.
///
/// - A line ends at `"\n"`; the `"\n"`, and a `"\r"` just before it, are not part of the line.
/// - A line longer than ``maximumLineBytes`` is cut into pieces of at most that many bytes (at a UTF-8 character
///   boundary when one is within 3 bytes of the cut), so a child that never writes a newline costs at most about
///   twice that much memory here.
/// - Invalid UTF-8 is repaired (each bad sequence becomes U+FFFD).
/// - What follows the last newline is a line of its own at the end (``finish(_:)``).
struct LineSplitter {
    /// The longest line delivered, in bytes.
    let maximumLineBytes: Int
    /// The bytes of the line in progress.
    private var pending: [UInt8] = []

    init(maximumLineBytes: Int) {
        precondition(maximumLineBytes >= 4, "GIPCKit: a line must hold at least one UTF-8 character")
        self.maximumLineBytes = maximumLineBytes
    }

    /// Consumes `bytes`, calling `emit` with every line they complete.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: (String) -> Void) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        while start < bytes.count {
            guard let newline = memchr(base + start, 0x0A, bytes.count - start) else {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...]))
                // One byte more than a piece stays pending, so a "\r" that may end the line is never cut off alone.
                while pending.count > maximumLineBytes + 1 {
                    let cut = pending.withUnsafeBytes { Self.cutIndex($0, limit: maximumLineBytes) }
                    emit(String(decoding: pending[..<cut], as: UTF8.self))
                    pending.removeFirst(cut)
                }
                return
            }
            let end = UnsafeRawPointer(newline) - base
            if pending.isEmpty {
                emitLine(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), terminated: true, emit)
            } else {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                pending.withUnsafeBytes { emitLine($0, terminated: true, emit) }
                pending.removeAll(keepingCapacity: pending.count <= maximumLineBytes)
            }
            start = end + 1
        }
    }

    /// Delivers the last line if the bytes did not end with a newline.
    mutating func finish(_ emit: (String) -> Void) {
        guard !pending.isEmpty else { return }
        pending.withUnsafeBytes { emitLine($0, terminated: false, emit) }
        pending = []
    }

    /// Delivers one line (cut into pieces if it is too long), without its `"\r"` if it ended with `"\r\n"`.
    private func emitLine(_ line: UnsafeRawBufferPointer, terminated: Bool, _ emit: (String) -> Void) {
        var end = line.count
        if terminated, end > 0, line[end - 1] == 0x0D { end -= 1 }
        var start = 0
        while end - start > maximumLineBytes {
            let cut =
                start + Self.cutIndex(UnsafeRawBufferPointer(rebasing: line[start..<end]), limit: maximumLineBytes)
            emit(String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<cut]), as: UTF8.self))
            start = cut
        }
        emit(String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<end]), as: UTF8.self))
    }

    /// Where to cut `bytes` (longer than `limit`) into a first piece of at most `limit` bytes: at `limit`, or a
    /// little before it if a UTF-8 character starts there and would be split.
    private static func cutIndex(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Int {
        var index = limit
        while index > limit - 3, bytes[index] & 0xC0 == 0x80 { index -= 1 }
        return bytes[index] & 0xC0 == 0x80 ? limit : index
    }
}
