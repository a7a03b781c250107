import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Frames and text written to a descriptor with plain `write` calls, each one complete before the call returns,
/// so a peer receives every frame as soon as it is produced (no buffering to flush).
struct StreamOutput {
    let fd: Int32

    /// Writes one frame: its header, then its payload.
    /// - Throws: ``CommandFailure`` `writeFailed` (exit code 74), for example when the reader has gone (`EPIPE`).
    func writeFrame(_ payload: [UInt8]) throws(CommandFailure) {
        var frame = FrameFormat.header(forPayloadLength: payload.count)
        if payload.count <= 64 << 10 {
            frame += payload
            try send(frame)
        } else {
            try send(frame)
            try send(payload)
        }
    }

    /// Writes every byte of `bytes`.
    /// - Throws: ``CommandFailure`` `writeFailed`.
    func send(_ bytes: [UInt8]) throws(CommandFailure) {
        let result = bytes.withUnsafeBytes { writeAll($0) }
        if let number = result {
            throw CommandFailure.system("writeFailed", "write to descriptor \(fd)", errno: number)
        }
    }

    /// Writes every byte, ignoring failures (for messages on standard error).
    func writeIgnoringErrors(_ bytes: UnsafeRawBufferPointer) {
        _ = writeAll(bytes)
    }

    /// Writes every byte; returns the `errno` of a failed write, or `nil`.
    private func writeAll(_ bytes: UnsafeRawBufferPointer) -> Int32? {
        var done = 0
        while done < bytes.count {
            let count = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if count >= 0 {
                done += count
                continue
            }
            let number = errno
            if number == EINTR { continue }
            if number == EAGAIN || number == EWOULDBLOCK {
                Self.wait(fd: fd, events: Int16(POLLOUT))
                continue
            }
            return number
        }
        return nil
    }

    /// Blocks until `fd` is ready for `events` (a descriptor that arrived in non-blocking mode).
    static func wait(fd: Int32, events: Int16) {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        _ = poll(&entry, 1, -1)
    }
}
