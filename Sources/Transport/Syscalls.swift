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

/// What one read or write did, with its `errno` taken at the call, never read later.
enum IOResult: Equatable {
    /// The call moved this many bytes (a read of 0 is the end of the file or stream).
    case transferred(Int)
    /// Nothing can move until the descriptor is ready (`EAGAIN` / `EWOULDBLOCK`).
    case wouldBlock
    /// The call failed with this `errno`.
    case failed(errno: Int32)
}

/// Every system call of the transport, in one place, with `EINTR` retried and the outcome returned as a value.
enum Syscalls {
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        retrying { systemRead(fd, buffer.baseAddress, buffer.count) }
    }

    static func writev(_ fd: Int32, _ vectors: UnsafeBufferPointer<iovec>) -> IOResult {
        retrying { systemWritev(fd, vectors.baseAddress, Int32(vectors.count)) }
    }

    static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> IOResult {
        retrying { systemWrite(fd, buffer.baseAddress, buffer.count) }
    }

    /// Runs `call` until it is not interrupted and turns its return value and `errno` into an ``IOResult``.
    private static func retrying(_ call: () -> Int) -> IOResult {
        while true {
            let n = call()
            if n >= 0 { return .transferred(n) }
            let code = errno
            if code == EINTR { continue }
            return code == EAGAIN || code == EWOULDBLOCK ? .wouldBlock : .failed(errno: code)
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
}
