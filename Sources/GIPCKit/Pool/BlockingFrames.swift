import CGIPCSystem
import GIPCTransport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Frames read and written with blocking system calls on the calling thread: a pool worker's pipes.
///
/// A worker process does one thing, so waiting for its next job on its own thread costs nothing, and saves the
/// hand-over from the reactor's thread to a task's on every job: the round trip of a short job is what bounds a
/// pool's rate.
struct BlockingFrames {
    let fd: Int32
    let maxFrameBytes: Int

    init(fd: Int32, maxFrameBytes: Int) {
        self.fd = fd
        self.maxFrameBytes = maxFrameBytes
        _ = gipc_set_nonblocking(fd, 0)
    }

    /// The next frame's payload, or `nil` at a clean end of stream.
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/truncated``, ``GIPCError/Code/corruptStream`` (a frame over
    ///   the limit), ``GIPCError/Code/systemError``.
    func read() throws(GIPCError) -> [UInt8]? {
        var header = [UInt8](repeating: 0, count: FrameFormat.shortHeaderBytes)
        guard try fill(&header, atStart: true) else { return nil }
        var length = header.reduce(0) { $0 << 8 | Int($1) }
        if length == Int(UInt32.max) {
            var large = [UInt8](repeating: 0, count: FrameFormat.largeHeaderBytes - FrameFormat.shortHeaderBytes)
            _ = try fill(&large, atStart: false)
            length = large.reduce(0) { $0 << 8 | Int($1) }
        }
        guard length >= 0, length <= maxFrameBytes else {
            throw GIPCError(.corruptStream, "a frame of \(length) bytes is over the limit of \(maxFrameBytes)")
        }
        var payload = [UInt8](repeating: 0, count: length)
        _ = try fill(&payload, atStart: false)
        return payload
    }

    /// Writes one frame: header and payload in one call when they fit.
    func write(_ payload: [UInt8]) throws(GIPCError) {
        let code = writeAll(fd, FrameFormat.frame(payload))
        guard code == 0 else {
            throw GIPCError(
                code == EPIPE ? .peerClosed : .systemError, "cannot write a frame", syscall: "write", errno: code)
        }
    }

    /// Reads exactly `buffer.count` bytes; `false` at end of stream before the first byte when `atStart`.
    private func fill(_ buffer: inout [UInt8], atStart: Bool) throws(GIPCError) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let count = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw GIPCError(.systemError, "cannot read a frame", syscall: "read", errno: errno)
            }
            if count == 0 {
                if atStart && offset == 0 { return false }
                throw GIPCError(.truncated, "the pool closed the pipe in the middle of a frame")
            }
            offset += count
        }
        return true
    }
}

/// The C library's `read`, for code in a type that has a method of that name.
#if canImport(Glibc)
    private let systemRead = Glibc.read
#elseif canImport(Darwin)
    private let systemRead = Darwin.read
#endif
