import CGIPCSystem
import GIPCTransport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How an entry's arguments reach its child: one frame in an anonymous file (a memfd on Linux) that is complete
/// before the child starts.
///
/// The child inherits the file at the descriptor named by `GIPC_ARGUMENTS_FD` and reads it from the start. Because
/// every byte is written before ``GIPC/start(_:_:name:daemon:host:environment:standardOutput:standardError:startMethod:)``
/// returns, the child gets its arguments whatever the parent does next, even if it exits at once; and a large
/// payload never waits for the child to drain a pipe.
enum EntryArguments {
    /// Writes `payload` as one frame into a new anonymous file and rewinds it.
    /// - Parameter payload: the encoded arguments.
    /// - Returns: the file's descriptor (close-on-exec); the caller closes it once the child has started.
    /// - Throws: ``GIPCError/Code/spawnFailed`` when the file cannot be made or written (`EMFILE`, `ENOSPC`, ...;
    ///   `syscall` and `errno` say which).
    static func store(_ payload: [UInt8]) throws(GIPCError) -> Int32 {
        let fd = gipc_anonymous_file("gipc-arguments")
        guard fd >= 0 else { throw failure("memfd_create", errno: errno, "cannot create the arguments file") }
        var failed: GIPCError? = nil
        for part in [FrameFormat.header(forPayloadLength: payload.count), payload] where failed == nil {
            let code = writeAll(fd, part)
            if code != 0 { failed = failure("write", errno: code, "cannot write the arguments file") }
        }
        if failed == nil, lseek(fd, 0, SEEK_SET) != 0 {
            failed = failure("lseek", errno: errno, "cannot rewind the arguments file")
        }
        if let failed {
            close(fd)
            throw failed
        }
        return fd
    }

    /// Reads the one frame of the arguments descriptor and closes it: a file (as GIPCKit passes it) is read
    /// directly; a pipe (as a parent in another language may pass it) through a ``FrameReader``, suspending while
    /// it is empty.
    /// - Parameters:
    ///   - fd: the inherited descriptor.
    ///   - maxBytes: the largest payload to accept.
    /// - Returns: the payload.
    /// - Throws: ``GIPCError`` ``GIPCError/Code/truncated`` (the frame is cut short),
    ///   ``GIPCError/Code/endOfStream`` (a pipe closed before any frame), ``GIPCError/Code/corruptStream`` (a bad
    ///   or oversized header), ``GIPCError/Code/systemError`` (`read`, `fstat`).
    static func load(from fd: Int32, maxBytes: Int) async throws -> [UInt8] {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw GIPCError.system("fstat", errno: errno) }
        if (info.st_mode & S_IFMT) == S_IFREG { return try loadFile(fd, maxBytes: maxBytes) }
        return try await GIPCError.mapping {
            let reader = try FrameReader(adopting: fd, maxFrameBytes: maxBytes)
            defer { try? reader.close() }
            return try await reader.receive()
        }
    }

    private static func loadFile(_ fd: Int32, maxBytes: Int) throws(GIPCError) -> [UInt8] {
        defer { close(fd) }
        var decoder = FrameDecoder(maxFrameBytes: maxBytes)
        do {
            while true {
                if let frame = try decoder.nextFrame() { return frame }
                let count = decoder.withWritableSpace { space in
                    var result: Int
                    repeat { result = read(fd, space.baseAddress, space.count) } while result < 0 && errno == EINTR
                    return result
                }
                if count == 0 {
                    try decoder.finish()
                    throw GIPCError(.truncated, "the arguments file holds no frame")
                }
                if count < 0 { throw GIPCError.system("read", errno: errno) }
            }
        } catch {
            throw GIPCError(error)
        }
    }

    private static func failure(_ syscall: String, errno code: Int32, _ message: String) -> GIPCError {
        GIPCError(.spawnFailed, "\(message) (needed to start the child)", syscall: syscall, errno: code)
    }
}
