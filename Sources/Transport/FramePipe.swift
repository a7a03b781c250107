import CGIPCSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A new OS pipe carrying frames: a ``FrameReader`` and a ``FrameWriter``.
///
/// Both descriptors are created close-on-exec and non-blocking, so no other code's child inherits them by accident.
/// ```swift
/// let pipe = try FramePipe()
/// try await pipe.writer.send(Array("hello".utf8))
/// let payload = try await pipe.reader.receive()
/// ```
public struct FramePipe: Sendable {
    /// The reading end.
    public let reader: FrameReader
    /// The writing end.
    public let writer: FrameWriter

    /// Creates a pipe.
    /// - Parameter options: the reader's frame limit and the kernel buffer size to ask for.
    /// - Throws: ``TransportError`` with ``TransportError/Code/systemError`` (for example `EMFILE` when the process
    ///   is out of descriptors); nothing is leaked then.
    public init(options: PipeOptions = PipeOptions()) throws {
        var fds: [Int32] = [-1, -1]
        if gipc_pipe(&fds, 1) != 0 { throw TransportError.system("pipe2", errno: errno) }
        if let size = options.pipeBufferBytes, size > 0 {
            // Best effort: the kernel may refuse sizes above /proc/sys/fs/pipe-max-size or the user's quota.
            _ = gipc_set_pipe_size(fds[1], Int32(clamping: size))
        }
        let reader: FrameReader
        do {
            reader = try FrameReader(
                adopting: fds[0], maxFrameBytes: options.maxFrameBytes, spinBeforeWaiting: options.spinBeforeWaiting)
        } catch {
            Syscalls.close(fds[0])
            Syscalls.close(fds[1])
            throw error
        }
        do {
            writer = try FrameWriter(adopting: fds[1])
        } catch {
            Syscalls.close(fds[1])
            throw error  // the reader closes its descriptor when it is released
        }
        self.reader = reader
    }

    /// Runs `body` with a new pipe and closes both ends afterwards, whether `body` returns, throws or is cancelled.
    /// Ends that `body` already closed or handed to a child are left alone.
    /// - Parameters:
    ///   - options: as for ``init(options:)``.
    ///   - isolation: the caller's actor, on which `body` runs (inferred).
    ///   - body: the code that uses the pipe.
    /// - Returns: what `body` returns.
    /// - Throws: what ``init(options:)`` or `body` throws.
    public static func with<Result>(
        options: PipeOptions = PipeOptions(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (FramePipe) async throws -> sending Result
    ) async throws -> sending Result {
        let pipe = try FramePipe(options: options)
        defer {
            try? pipe.reader.close()
            try? pipe.writer.close()
        }
        return try await body(pipe)
    }

    /// The kernel buffer size of this pipe in bytes, where the system can tell (Linux), else `nil`.
    public var bufferBytes: Int? {
        let size = gipc_get_pipe_size(writer.fileDescriptor)
        return size > 0 ? Int(size) : nil
    }
}
