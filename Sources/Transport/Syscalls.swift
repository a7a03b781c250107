#if canImport(Glibc)
    import Glibc

    private let systemRead = Glibc.read
    private let systemWritev = Glibc.writev
    private let systemWrite = Glibc.write
    private let systemClose = Glibc.close
#elseif canImport(Darwin)
    import Darwin

    private let systemRead = Darwin.read
    private let systemWritev = Darwin.writev
    private let systemWrite = Darwin.write
    private let systemClose = Darwin.close
#endif

/// Every system call of the transport, in one place, with `EINTR` retried.
///
/// Each returns the call's result or `-1`, leaving `errno` as the call set it (`EAGAIN` is not an error here:
/// callers check for it and wait for readiness).
enum Syscalls {
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let n = systemRead(fd, buffer.baseAddress, buffer.count)
            if n >= 0 || errno != EINTR { return n }
        }
    }

    static func writev(_ fd: Int32, _ vectors: UnsafeBufferPointer<iovec>) -> Int {
        while true {
            let n = systemWritev(fd, vectors.baseAddress, Int32(vectors.count))
            if n >= 0 || errno != EINTR { return n }
        }
    }

    static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int {
        while true {
            let n = systemWrite(fd, buffer.baseAddress, buffer.count)
            if n >= 0 || errno != EINTR { return n }
        }
    }

    /// Whether `fd` has something to read (data, end of file or an error) right now, without waiting. A pipe's
    /// poll looks at the buffer without taking the pipe's lock, so a reader can ask often without slowing the writer.
    static func isReadable(_ fd: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }

    /// Closes `fd` once. `EINTR` is not retried: on Linux the descriptor is gone either way.
    static func close(_ fd: Int32) {
        _ = systemClose(fd)
    }

    static func isWouldBlock(_ code: Int32) -> Bool {
        code == EAGAIN || code == EWOULDBLOCK
    }
}
