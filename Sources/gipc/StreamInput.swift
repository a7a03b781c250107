import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Frames read from a descriptor with plain `read` calls, for the stream commands.
///
/// The commands own their whole process and handle one frame at a time, so they read synchronously instead of
/// adopting the descriptor with `FrameReader`: that would switch it to non-blocking mode, and standard input often
/// shares its open file description with the parent (a shell, a Python `subprocess`), which would then see
/// `EAGAIN` on its own reads after `gipc` exits. Should the descriptor arrive non-blocking anyway, `poll` waits for
/// it. Memory stays bounded: the decoder refuses a header above its limit before allocating the payload.
struct StreamInput {
    let fd: Int32
    private var decoder: FrameDecoder

    /// Reads frames from `fd`, refusing payloads longer than `maxFrameBytes`.
    init(fd: Int32, maxFrameBytes: Int) {
        self.fd = fd
        self.decoder = FrameDecoder(maxFrameBytes: maxFrameBytes)
    }

    /// The next frame and the stream offset of its header, or `nil` at a clean end of stream.
    /// - Throws: ``CommandFailure`` named after the `TransportError` code (`truncatedFrame`, `frameTooLarge`,
    ///   `protocolViolation`) with the offset of the bad frame, or `readFailed`.
    mutating func next() throws(CommandFailure) -> (offset: UInt64, payload: [UInt8])? {
        while true {
            let start = decoder.offset
            do {
                if let payload = try decoder.nextFrame() { return (start, payload) }
            } catch {
                throw CommandFailure(error, offset: start)
            }
            let count = decoder.withWritableSpace { space in read(fd, space.baseAddress, space.count) }
            if count > 0 { continue }
            if count == 0 {
                do { try decoder.finish() } catch { throw CommandFailure(error, offset: start) }
                return nil
            }
            let number = errno
            if number == EINTR { continue }
            if number == EAGAIN || number == EWOULDBLOCK {
                StreamOutput.wait(fd: fd, events: Int16(POLLIN))
                continue
            }
            throw CommandFailure.system("readFailed", "read from descriptor \(fd)", errno: number)
        }
    }
}
