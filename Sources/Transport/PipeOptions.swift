/// Settings of a frame pipe, fixed when it is made.
public struct PipeOptions: Sendable, Hashable {
    /// The largest payload the reading end accepts; a longer header poisons the reader. Default 64 MiB.
    public var maxFrameBytes: Int
    /// The kernel pipe buffer to ask for (Linux `F_SETPIPE_SZ`), or `nil` to keep the system default.
    /// Default 1 MiB, which makes large frames several times faster. If the kernel refuses (for example above
    /// `/proc/sys/fs/pipe-max-size` for an unprivileged user) the default buffer is kept silently.
    public var pipeBufferBytes: Int?

    /// Creates options.
    /// - Parameters:
    ///   - maxFrameBytes: the reading end's frame limit.
    ///   - pipeBufferBytes: the kernel pipe buffer to request, or `nil`.
    public init(maxFrameBytes: Int = FrameFormat.defaultMaxFrameBytes, pipeBufferBytes: Int? = 1 << 20) {
        self.maxFrameBytes = maxFrameBytes
        self.pipeBufferBytes = pipeBufferBytes
    }
}
