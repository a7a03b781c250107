#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A raw OS pipe whose write end a test drives byte by byte (to send hostile, partial or hand-made frames).
public struct RawPipe {
    /// The read end, for the code under test to adopt.
    public let readFD: Int32
    /// The write end, written with blocking calls.
    public let writeFD: Int32

    /// Creates a pipe (blocking, default buffer).
    public init() {
        var fds: [Int32] = [-1, -1]
        precondition(pipe(&fds) == 0)
        readFD = fds[0]
        writeFD = fds[1]
    }

    /// Writes all of `bytes`; keep each call below the pipe buffer when nobody reads concurrently.
    public func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
                let n = bytes[offset...].withUnsafeBytes { Glibc.write(writeFD, $0.baseAddress, $0.count) }
            #else
                let n = bytes[offset...].withUnsafeBytes { Darwin.write(writeFD, $0.baseAddress, $0.count) }
            #endif
            precondition(n > 0, "write failed: \(errno)")
            offset += n
        }
    }

    /// Closes the write end: the reader sees the end of the stream.
    public func closeWriteEnd() { _ = close(writeFD) }
}
