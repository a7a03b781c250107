#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Settings of a frame pipe, fixed when it is made.
public struct PipeOptions: Sendable, Hashable {
    /// The largest payload the reading end accepts; a longer header poisons the reader. Default 64 MiB.
    public var maxFrameBytes: Int
    /// The kernel pipe buffer to ask for (Linux `F_SETPIPE_SZ`), or `nil` to keep the system default.
    /// Default 1 MiB, which makes large frames several times faster. If the kernel refuses (for example above
    /// `/proc/sys/fs/pipe-max-size` for an unprivileged user) the default buffer is kept silently.
    public var pipeBufferBytes: Int?
    /// How long a receive that finds the pipe empty keeps reading before it suspends its task. A frame that
    /// arrives meanwhile (a reply in a request/response exchange, the next message of a stream) is taken at once,
    /// without the reactor thread's wake-up and the task's resumption, which cost more than the message itself.
    /// The price is up to this much CPU time each time a receive has to wait. Default ``defaultSpin``; `.zero`
    /// suspends at once. A reading end handed to a child process uses the child's default.
    public var spinBeforeWaiting: Duration

    /// 50 microseconds where more than one CPU is online, else zero (spinning on one CPU only delays the peer).
    public static let defaultSpin: Duration = sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1 ? .microseconds(50) : .zero

    /// Creates options.
    /// - Parameters:
    ///   - maxFrameBytes: the reading end's frame limit.
    ///   - pipeBufferBytes: the kernel pipe buffer to request, or `nil`.
    ///   - spinBeforeWaiting: how long an empty receive keeps trying before it suspends.
    public init(
        maxFrameBytes: Int = FrameFormat.defaultMaxFrameBytes, pipeBufferBytes: Int? = 1 << 20,
        spinBeforeWaiting: Duration = PipeOptions.defaultSpin
    ) {
        self.maxFrameBytes = maxFrameBytes
        self.pipeBufferBytes = pipeBufferBytes
        self.spinBeforeWaiting = spinBeforeWaiting
    }
}
