import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lines read from a descriptor with plain `read` calls.
struct LineInput {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false

    init(fd: Int32) { self.fd = fd }

    /// The next line without its newline, or `nil` at the end of input.
    /// - Throws: ``CommandFailure`` `readFailed`.
    mutating func next() throws(CommandFailure) -> ArraySlice<UInt8>? {
        var searched = start
        while true {
            if let newline = buffer[searched...].firstIndex(of: 0x0A) {
                let line = buffer[start..<newline]
                start = newline + 1
                return line
            }
            searched = buffer.count
            if ended {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                return line
            }
            if start > 0 {
                buffer.removeFirst(start)
                searched -= start
                start = 0
            }
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer += chunk[0..<count]
            } else if count == 0 {
                ended = true
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                StreamOutput.wait(fd: fd, events: Int16(POLLIN))
            } else if errno != EINTR {
                throw CommandFailure.system("readFailed", "read from descriptor \(fd)", errno: errno)
            }
        }
    }
}
