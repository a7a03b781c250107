import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The writing end of a frame pipe: sends whole frames, suspending the calling task (never a thread) while the
/// pipe is full.
///
/// Concurrent ``send(_:timeout:)`` calls from many tasks are written one whole frame at a time, in call order.
/// A send that times out or is cancelled before its first byte leaves nothing behind. Once a frame's first byte is
/// in the pipe, the frame is either completed or the writer is poisoned (``TransportError/Code/poisoned``):
/// never a silent half frame.
public final class FrameWriter: Sendable {
    private let end: PipeEnd
    private let failure = Mutex<TransportError?>(nil)

    /// Takes ownership of an open descriptor for writing (for example one inherited from a parent process).
    /// The descriptor is switched to non-blocking and close-on-exec mode.
    /// - Parameter fd: the descriptor; it is closed when the writer is closed or deallocated.
    /// - Throws: ``TransportError`` with ``TransportError/Code/systemError`` if the descriptor cannot be set up.
    public init(adopting fd: Int32) throws(TransportError) {
        SignalPolicy.ignoreSIGPIPE()
        self.end = try PipeEnd(adopting: fd, events: .write)
    }

    /// The descriptor number this writer owns (or owned, once closed).
    public var fileDescriptor: Int32 { end.fd }

    /// Whether the writer still owns its descriptor.
    public var isOpen: Bool { end.isOpen }

    /// Sends one frame.
    /// - Parameters:
    ///   - payload: the frame's payload, of any length the format allows.
    ///   - timeout: how long to wait in all, including behind other tasks' sends; `nil` waits forever.
    /// - Throws: ``TransportError`` with code ``TransportError/Code/peerClosed`` if the reading end is gone,
    ///   ``TransportError/Code/timedOut`` if the timeout passed before the first byte was written,
    ///   ``TransportError/Code/poisoned`` if it passed (or the task was cancelled) with the frame partly written, or
    ///   an earlier send did; ``TransportError/Code/closed``, ``TransportError/Code/transferred``,
    ///   ``TransportError/Code/systemError``; `CancellationError` if cancelled before the first byte.
    public func send(_ payload: [UInt8], timeout: Duration? = nil) async throws {
        let deadline = Deadline.after(timeout)
        let fd = end.fd
        // Uncontended: take the lock without building the timeout closure (no allocation per frame).
        if !end.lock.tryLock() {
            try await end.lock.lock(deadline: deadline) {
                TransportError.timedOut(fd: fd, "the frame was not sent within the timeout (other tasks were sending)")
            }
        }
        defer { end.lock.unlock() }
        try end.checkOpen()
        if let earlier = failure.withLock({ $0 }) { throw FrameDecoder.poisoned(by: earlier) }

        let total = payload.count + (payload.count > FrameFormat.largestShortPayload ? 12 : 4)
        var written = 0
        while true {
            let result = payload.withUnsafeBytes { body in
                FrameFormat.withHeader(forPayloadLength: body.count) { header in
                    Self.write(fd: fd, header: header, payload: body, skipping: written)
                }
            }
            if result > 0 {
                written += result
                if written == total { return }
                continue
            }
            let code = errno
            if !Syscalls.isWouldBlock(code) {
                let error = TransportError.system("writev", errno: code, fd: fd)
                if written > 0 { poison(error) }
                throw error
            }
            do {
                try await end.source.wait(for: .write, deadline: deadline)
            } catch {
                guard written > 0 else {
                    if let error = error as? TransportError, error.code == .timedOut {
                        throw TransportError.timedOut(fd: fd, "the pipe stayed full; nothing of the frame was written")
                    }
                    throw error
                }
                let reason = (error is CancellationError) ? "the task was cancelled" : "the timeout passed"
                let poisoning = TransportError(
                    .poisoned,
                    "\(reason) after \(written) of \(total) bytes of a frame were written; the writer is unusable",
                    fileDescriptor: fd, bytesExpected: UInt64(total), bytesReceived: UInt64(written),
                    underlying: error)
                poison(poisoning)
                throw poisoning
            }
        }
    }

    /// Closes the descriptor; the reader then sees the end of the stream.
    /// - Throws: ``TransportError/Code/locked`` if another task is inside ``send(_:timeout:)`` (cancel it first),
    ///   ``TransportError/Code/closed`` if already closed, ``TransportError/Code/transferred`` if handed on.
    public func close() throws(TransportError) {
        try end.close()
    }

    /// Starts handing the descriptor to a child process (which inherits it): no task can use this end until
    /// ``completeTransfer()`` (the child started; the descriptor is closed here and the end reports
    /// ``TransportError/Code/transferred`` from then on) or ``abortTransfer()`` (the end stays usable).
    /// - Returns: the descriptor, still open.
    /// - Throws: ``TransportError/Code/locked`` if a task is inside an operation,
    ///   ``TransportError/Code/closed`` or ``TransportError/Code/transferred`` if it was given up before.
    package func beginTransfer() throws(TransportError) -> Int32 {
        try end.beginTransfer()
    }

    /// Finishes a transfer begun with ``beginTransfer()``.
    package func completeTransfer() { end.completeTransfer() }

    /// Cancels a transfer begun with ``beginTransfer()``.
    package func abortTransfer() { end.abortTransfer() }

    private func poison(_ error: TransportError) {
        failure.withLock { $0 = $0 ?? error }
    }

    /// One `writev` of what remains of header + payload after the first `skip` bytes.
    private static func write(
        fd: Int32, header: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, skipping skip: Int
    ) -> Int {
        withUnsafeTemporaryAllocation(of: iovec.self, capacity: 2) { vectors in
            var count = 0
            if skip < header.count {
                vectors[count] = iovec(
                    iov_base: UnsafeMutableRawPointer(mutating: header.baseAddress! + skip),
                    iov_len: header.count - skip)
                count += 1
            }
            let payloadSkip = max(0, skip - header.count)
            if payload.count > payloadSkip {
                vectors[count] = iovec(
                    iov_base: UnsafeMutableRawPointer(mutating: payload.baseAddress! + payloadSkip),
                    iov_len: payload.count - payloadSkip)
                count += 1
            }
            return Syscalls.writev(fd, UnsafeBufferPointer(rebasing: vectors[0..<count]))
        }
    }
}
