import GIPCRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The reading end of a frame pipe: receives whole frames, suspending the calling task (never a thread) while
/// no data is there.
///
/// Concurrent ``receive(timeout:)`` calls from many tasks are served one whole frame at a time, in call order.
/// A receive that times out or is cancelled in the middle of a frame keeps the bytes read so far; the next receive
/// completes that frame, so timeouts never desynchronise the stream.
public final class FrameReader: Sendable {
    let end: PipeEnd
    /// Touched only by the task holding the pipe end's operation lock (a receive, a transfer, a handle message).
    let decoder: DecoderSlot

    /// The largest payload this reader accepts.
    public let maxFrameBytes: Int
    /// How long a receive that finds the pipe empty keeps reading before it suspends, in nanoseconds.
    private let spinNanoseconds: Int64
    /// On a Unix-domain socket: the descriptors that arrive with the bytes (SCM_RIGHTS), for passed handles.
    let inbox: DescriptorInbox?

    /// Takes ownership of an open descriptor for reading (for example one inherited from a parent process).
    /// The descriptor is switched to non-blocking and close-on-exec mode.
    /// - Parameters:
    ///   - fd: the descriptor; it is closed when the reader is closed or deallocated.
    ///   - maxFrameBytes: the largest payload to accept (default 64 MiB).
    ///   - spinBeforeWaiting: how long a receive that finds the pipe empty keeps trying before it suspends
    ///     (see ``PipeOptions/spinBeforeWaiting``).
    /// - Throws: ``TransportError`` with ``TransportError/Code/systemError`` if the descriptor cannot be set up.
    public convenience init(
        adopting fd: Int32, maxFrameBytes: Int = FrameFormat.defaultMaxFrameBytes,
        spinBeforeWaiting: Duration = PipeOptions.defaultSpin
    ) throws {
        try self.init(
            adopting: fd, maxFrameBytes: maxFrameBytes, spinBeforeWaiting: spinBeforeWaiting,
            receivingDescriptors: false)
    }

    /// Takes ownership of `fd`; with `receivingDescriptors` (a Unix-domain socket) reads with `recvmsg` and keeps the
    /// descriptors that arrive for ``receiveHandleMessage(timeout:)``.
    init(
        adopting fd: Int32, maxFrameBytes: Int, spinBeforeWaiting: Duration, receivingDescriptors: Bool
    ) throws(TransportError) {
        self.end = try PipeEnd(adopting: fd, events: .read)
        self.maxFrameBytes = maxFrameBytes
        self.spinNanoseconds = Deadline.nanoseconds(of: spinBeforeWaiting)
        self.decoder = DecoderSlot(FrameDecoder(maxFrameBytes: maxFrameBytes))
        self.inbox = receivingDescriptors ? DescriptorInbox() : nil
    }

    /// The descriptor number this reader owns (or owned, once closed).
    public var fileDescriptor: Int32 { end.fd }

    /// Whether the reader still owns its descriptor.
    public var isOpen: Bool { end.isOpen }

    /// Receives the next frame's payload.
    /// - Parameter timeout: how long to wait in all, including behind other tasks' receives; `nil` waits forever.
    /// - Returns: the payload bytes.
    /// - Throws: ``TransportError`` with code
    ///   ``TransportError/Code/endOfStream`` at a clean end of stream (the writer closed at a frame boundary),
    ///   ``TransportError/Code/truncatedFrame`` if the stream ended inside a frame,
    ///   ``TransportError/Code/frameTooLarge`` / ``TransportError/Code/protocolViolation`` for a bad header,
    ///   ``TransportError/Code/poisoned`` after any of those two, ``TransportError/Code/timedOut``,
    ///   ``TransportError/Code/closed``, ``TransportError/Code/transferred``, ``TransportError/Code/systemError``;
    ///   `CancellationError` if the task is cancelled while waiting.
    public func receive(timeout: Duration? = nil) async throws -> [UInt8] {
        let deadline = Deadline.after(timeout)
        // Uncontended: take the lock without building the timeout closure (no allocation per frame).
        if !end.lock.tryLock() { try await waitForLock(deadline: deadline) }
        defer { end.lock.unlock() }
        return try await receiveLocked(deadline: deadline) { decoder throws(TransportError) in try decoder.nextFrame() }
    }

    /// Receives the next frame and hands its payload to `take` where it lies in the reader's buffer (no copy for a
    /// frame that arrived whole): for a caller that decodes the payload at once.
    /// - Parameters:
    ///   - timeout: as in ``receive(timeout:)``.
    ///   - take: what to do with the payload, valid only during the call.
    /// - Returns: what `take` returned.
    /// - Throws: as ``receive(timeout:)``.
    package func receive<R>(
        timeout: Duration?, taking take: (UnsafeRawBufferPointer) -> R
    ) async throws -> R {
        let deadline = Deadline.after(timeout)
        if !end.lock.tryLock() { try await waitForLock(deadline: deadline) }
        defer { end.lock.unlock() }
        return try await receiveLocked(deadline: deadline) { decoder throws(TransportError) in
            try decoder.takeFrame(take)
        }
    }

    /// Receives the next frame, refusing one longer than `limit` (``TransportError/Code/frameTooLarge``, which
    /// poisons the reader) although the reader's own limit is higher: a socket handshake's messages.
    package func receive(timeout: Duration?, limit: Int) async throws -> [UInt8] {
        let deadline = Deadline.after(timeout)
        if !end.lock.tryLock() { try await waitForLock(deadline: deadline) }
        defer { end.lock.unlock() }
        decoder.withDecoder { $0.temporaryLimit = limit }
        defer { decoder.withDecoder { $0.temporaryLimit = nil } }
        return try await receiveLocked(deadline: deadline) { decoder throws(TransportError) in try decoder.nextFrame() }
    }

    /// Waits for the operation lock behind other tasks, in call order.
    func waitForLock(deadline: Deadline?) async throws {
        let fd = end.fd
        try await end.lock.lock(deadline: deadline) {
            TransportError.timedOut(fd: fd, "no frame within the timeout (other tasks were receiving)")
        }
    }

    /// Receives one frame, taken from the decoder by `take`; the caller holds the operation lock.
    @inline(__always)
    private func receiveLocked<Frame>(
        deadline: Deadline?, _ take: (inout FrameDecoder) throws(TransportError) -> Frame?
    ) async throws -> Frame {
        let fd = end.fd
        while true {
            try end.checkOpen()
            if let frame = try receiveAvailable(take) { return frame }
            if let frame = try await spinForFrame(deadline: deadline, take) { return frame }
            do {
                try await TransportError.mappingRuntime { try await end.source.wait(for: .read, deadline: deadline) }
            } catch let error as TransportError where error.code == .timedOut {
                let partial = decoder.withDecoder { $0.hasPartialFrame }
                throw TransportError.timedOut(
                    fd: fd,
                    partial
                        ? "no complete frame within the timeout; the partial frame is kept for the next receive"
                        : "no frame within the timeout")
            }
        }
    }

    /// Keeps reading for up to ``spinNanoseconds`` (and not past `deadline` or a cancellation): a reply that
    /// arrives within microseconds is then taken without the reactor's wake-up and the task's resumption.
    ///
    /// Between polls the task yields to the cooperative pool (`Task.yield()`), not just its thread to the kernel: on
    /// a two-core machine two spinning receives would otherwise hold both pool threads, and the tasks that send the
    /// frames they wait for could not run.
    private func spinForFrame<Frame>(
        deadline: Deadline?, _ take: (inout FrameDecoder) throws(TransportError) -> Frame?
    ) async throws(TransportError) -> Frame? {
        guard spinNanoseconds > 0 else { return nil }
        var stop = Deadline.now.nanoseconds &+ spinNanoseconds
        if let deadline { stop = min(stop, deadline.nanoseconds) }
        let fd = end.fd
        while !Task.isCancelled, Deadline.now.nanoseconds < stop {
            if Syscalls.isReadable(fd), let frame = try receiveAvailable(take) { return frame }
            await Task.yield()
        }
        return nil
    }

    /// Reads what the pipe holds without waiting and returns a frame (taken by `take`) if one is complete.
    /// - Returns: a frame, or `nil` when the pipe is drained (`EAGAIN`) without completing one.
    @inline(__always)
    private func receiveAvailable<Frame>(
        _ take: (inout FrameDecoder) throws(TransportError) -> Frame?
    ) throws(TransportError) -> Frame? {
        let fd = end.fd
        let inbox = self.inbox
        return try decoder.withDecoder { decoder throws(TransportError) -> Frame? in
            while true {
                if let frame = try take(&decoder) {
                    inbox?.discard(before: decoder.offset)
                    return frame
                }
                var outcome = IOResult.wouldBlock
                let offset = decoder.receivedOffset
                // With a handshake's limit, read no byte past the frame: what follows may be for another reader.
                let cap = decoder.temporaryLimit == nil ? Int.max : decoder.bytesToCompleteFrame
                _ = decoder.withWritableSpace { whole in
                    let space = cap < whole.count ? UnsafeMutableRawBufferPointer(rebasing: whole[..<cap]) : whole
                    outcome = inbox?.receive(fd, into: space, at: offset) ?? Syscalls.read(fd, into: space)
                    if case .transferred(let count) = outcome { return count }
                    return -1
                }
                switch outcome {
                case .transferred(0):
                    try decoder.finish()
                    throw TransportError(.endOfStream, "the writer closed the pipe (end of stream)", fileDescriptor: fd)
                case .transferred: continue
                case .wouldBlock: return nil
                case .failed(let code): throw TransportError.system("read", errno: code, fd: fd)
                }
            }
        }
    }

    /// Closes the descriptor.
    /// - Throws: ``TransportError/Code/locked`` if another task is inside ``receive(timeout:)`` (cancel it first),
    ///   ``TransportError/Code/closed`` if already closed, ``TransportError/Code/transferred`` if handed on.
    public func close() throws {
        try end.close()
        inbox?.closeAll()
    }

    /// Starts handing the descriptor to a child process (which inherits it): no task can use this end until
    /// ``completeTransfer()`` (the child started; the descriptor is closed here and the end reports
    /// ``TransportError/Code/transferred`` from then on) or ``abortTransfer()`` (the end stays usable).
    /// - Returns: the descriptor, still open.
    /// - Throws: ``TransportError/Code/locked`` if a task is inside an operation or the reader holds received bytes,
    ///   ``TransportError/Code/closed`` or ``TransportError/Code/transferred`` if it was given up before,
    ///   ``TransportError/Code/poisoned`` after a framing error.
    package func beginTransfer() throws(TransportError) -> Int32 {
        let fd = try end.beginTransfer()
        if let earlier = decoder.withDecoder({ $0.poisonedBy }) {
            end.abortTransfer()
            throw FrameDecoder.poisoned(by: earlier)
        }
        if decoder.withDecoder({ $0.hasPartialFrame }) {
            end.abortTransfer()
            throw TransportError(
                .locked, "the reader holds received bytes that a child could not see; transfer it before reading",
                fileDescriptor: fd)
        }
        return fd
    }

    /// Finishes a transfer begun with ``beginTransfer()``.
    package func completeTransfer() { end.completeTransfer() }

    /// Cancels a transfer begun with ``beginTransfer()``.
    package func abortTransfer() { end.abortTransfer() }
}

/// A reader's frame decoder, without a lock of its own: the pipe end's operation lock (a FIFO lock, whose mutex orders
/// every access) already admits one task at a time, so a receive costs one lock round trip less.
final class DecoderSlot: @unchecked Sendable {
    @exclusivity(unchecked) private var decoder: FrameDecoder

    init(_ decoder: FrameDecoder) {
        self.decoder = decoder
    }

    /// Runs `body` on the decoder. Call with the pipe end's operation lock held.
    @inline(__always)
    func withDecoder<Result, Failure: Error>(_ body: (inout FrameDecoder) throws(Failure) -> Result) throws(Failure)
        -> Result
    {
        try body(&decoder)
    }
}
