import CGIPCSystem
import GIPCRuntime

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The descriptors behind a child's standard output and standard error, opened in this process before the child
/// starts: `/dev/null`, a file, or the write end of a capture pipe (whose read end a ``CapturedOutput`` owns).
///
/// After the spawn, successful or not, this process closes its copies of the child's ends
/// (``closeChildEnds()``); then it starts reading the captures (``startCapturing()``) or, if the child did not
/// start, closes them (``abandonCaptures()``).
struct StandardStreams {
    /// What the child gets as descriptor 1; `nil` to inherit this process's.
    private(set) var output: Int32?
    /// What the child gets as descriptor 2; `nil` to inherit this process's.
    private(set) var error: Int32?
    private(set) var outputCapture: CapturedOutput?
    private(set) var errorCapture: CapturedOutput?

    /// Opens what `output` and `error` need.
    /// - Throws: ``GIPCError/Code/invalidArgument`` when a file cannot be opened (`syscall` and `errno` say why) or
    ///   a capture keeps a negative number of lines, ``GIPCError/Code/spawnFailed`` when no descriptor is left.
    ///   Nothing stays open then.
    static func prepare(output: ChildOutput, error: ChildOutput, reactor: Reactor) throws(GIPCError) -> StandardStreams
    {
        var streams = StandardStreams()
        do {
            (streams.output, streams.outputCapture) = try prepareOne(
                output, stream: "standard output", reactor: reactor)
            (streams.error, streams.errorCapture) = try prepareOne(error, stream: "standard error", reactor: reactor)
        } catch {
            streams.closeChildEnds()
            streams.abandonCaptures()
            throw error
        }
        return streams
    }

    /// Closes this process's copies of the descriptors the child gets.
    mutating func closeChildEnds() {
        if let fd = output { close(fd) }
        if let fd = error { close(fd) }
        output = nil
        error = nil
    }

    /// Starts reading the captured streams (the child has started).
    func startCapturing() {
        outputCapture?.startReading()
        errorCapture?.startReading()
    }

    /// Closes the captured streams unread (the child did not start).
    func abandonCaptures() {
        outputCapture?.abandon()
        errorCapture?.abandon()
    }

    private static func prepareOne(
        _ choice: ChildOutput, stream: String, reactor: Reactor
    ) throws(GIPCError) -> (Int32?, CapturedOutput?) {
        switch choice.destination {
        case .inherit:
            return (nil, nil)
        case .discard:
            return (try openFile("/dev/null", append: false, stream: stream), nil)
        case .file(let path, let append):
            return (try openFile(path, append: append, stream: stream), nil)
        case .capture(let keepingLast):
            guard keepingLast >= 0 else {
                throw GIPCError(
                    .invalidArgument, "a capture of the child's \(stream) cannot keep \(keepingLast) lines")
            }
            var fds: [Int32] = [-1, -1]
            guard gipc_pipe(&fds, 0) == 0 else {
                let code = errno
                throw GIPCError(
                    .spawnFailed, "cannot make a pipe for the child's \(stream)", syscall: "pipe2", errno: code)
            }
            do {
                let capture = try CapturedOutput(reading: fds[0], keepingLast: keepingLast, reactor: reactor)
                return (fds[1], capture)
            } catch {
                close(fds[1])  // the capture closed the read end
                throw error
            }
        }
    }

    /// Opens `path` for writing (created with mode 0644; emptied, or appended to), close-on-exec.
    ///
    /// Opened non-blocking, so that a FIFO nobody reads fails (ENXIO) instead of blocking this thread; the flag
    /// is cleared before the child gets the descriptor.
    private static func openFile(_ path: String, append: Bool, stream: String) throws(GIPCError) -> Int32 {
        if path.utf8.contains(0) {
            throw GIPCError(.invalidArgument, "the path for the child's \(stream) contains a NUL byte")
        }
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK | (append ? O_APPEND : O_TRUNC)
        var fd: Int32
        repeat { fd = open(path, flags, 0o644) } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            let code = errno
            let outOfResources = code == EMFILE || code == ENFILE || code == ENOMEM
            let kind: GIPCError.Code = outOfResources ? .spawnFailed : .invalidArgument
            throw GIPCError(kind, "cannot open \(path) for the child's \(stream)", syscall: "open", errno: code)
        }
        _ = gipc_set_nonblocking(fd, 0)
        return fd
    }
}
