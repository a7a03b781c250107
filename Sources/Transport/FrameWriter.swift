import GIPCRuntime
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
    let end: PipeEnd
    let queue = Mutex(SendQueue())

    /// Takes ownership of an open descriptor for writing (for example one inherited from a parent process).
    /// The descriptor is switched to non-blocking and close-on-exec mode.
    /// - Parameter fd: the descriptor; it is closed when the writer is closed or deallocated.
    /// - Throws: ``TransportError`` with ``TransportError/Code/systemError`` if the descriptor cannot be set up.
    public init(adopting fd: Int32) throws {
        SignalPolicy.ignoreSIGPIPE()
        self.end = try PipeEnd(adopting: fd, events: .write)
    }

    /// The descriptor number this writer owns (or owned, once closed).
    public var fileDescriptor: Int32 { end.fd }

    /// Whether the writer still owns its descriptor.
    public var isOpen: Bool { end.isOpen }

    /// Sends one frame.
    ///
    /// An idle writer writes the frame at once on the calling task (a small frame with one `write` of header and
    /// payload together) and returns without suspending. When other tasks are sending, the frame waits for its
    /// turn; small frames that wait together are written in one system call by the task whose turn it is (in call
    /// order), so many concurrent small sends are cheap.
    /// - Parameters:
    ///   - payload: the frame's payload, of any length the format allows.
    ///   - timeout: how long to wait in all, including behind other tasks' sends; `nil` waits forever.
    /// - Throws: ``TransportError`` with code ``TransportError/Code/peerClosed`` if the reading end is gone,
    ///   ``TransportError/Code/timedOut`` if the timeout passed before the first byte was written,
    ///   ``TransportError/Code/poisoned`` if it passed (or the task was cancelled) with the frame partly written, or
    ///   an earlier send did; ``TransportError/Code/closed``, ``TransportError/Code/transferred``,
    ///   ``TransportError/Code/systemError``; `CancellationError` if cancelled before the first byte.
    public func send(_ payload: [UInt8], timeout: Duration? = nil) async throws {
        let attempt = try sendWithoutWaiting(payload)
        if attempt != .sent { try await completeSend(payload, after: attempt, timeout: timeout) }
    }

    /// Completes a send after ``sendWithoutWaiting(_:)`` returned `attempt`: finishes the frame it started, or waits
    /// for this frame's turn if another task was sending. Does nothing after ``ImmediateSend/sent``.
    /// - Throws: as ``send(_:timeout:)``.
    package func completeSend(_ payload: [UInt8], after attempt: ImmediateSend, timeout: Duration?) async throws {
        switch attempt {
        case .sent: return
        case .started(let written): try await finishSend(payload, alreadyWritten: written, timeout: timeout)
        case .busy: try await sendInTurn(payload, timeout: timeout)
        }
    }

    /// Completes a send that ``sendWithoutWaiting(_:)`` started (``ImmediateSend/started(alreadyWritten:)``): this
    /// task is the active sender, and `alreadyWritten` bytes of the frame are in the pipe.
    func finishSend(_ payload: [UInt8], alreadyWritten: Int, timeout: Duration?) async throws {
        defer { handOff() }
        try await writeFrame(payload, alreadyWritten: alreadyWritten, deadline: Deadline.after(timeout))
    }

    /// Sends a frame behind the active sender: waits for its turn (or for the active sender to write it in a batch).
    func sendInTurn(_ payload: [UInt8], timeout: Duration?) async throws {
        let deadline = Deadline.after(timeout)
        var alreadyWritten = 0
        var waited = false
        if !queue.withLock({ $0.activateIfIdle() }) {
            switch try await waitForTurn(payload, deadline: deadline) {
            case .written: return
            case .lead(let written): alreadyWritten = written
            }
            waited = true
        }
        defer { handOff() }
        if waited, alreadyWritten == 0 {
            // The turn may have come just as the sender gave up: nothing is written yet, so giving up is clean.
            if Task.isCancelled { throw CancellationError() }
            if let deadline, deadline.hasPassed { throw Self.queueTimeout(fd: end.fd) }
        }
        try end.checkOpen()
        if let earlier = queue.withLock({ $0.poisoning }) { throw Self.unusable(after: earlier) }
        if alreadyWritten == 0, payload.count <= SendQueue.batchFrameLimit {
            let batch = queue.withLock { $0.takeBatch(startingWith: payload.count + FrameFormat.shortHeaderBytes) }
            if !batch.isEmpty {
                try await writeBatch(payload, with: batch, deadline: deadline)
                return
            }
        }
        try await writeFrame(payload, alreadyWritten: alreadyWritten, deadline: deadline)
    }

    /// Closes the descriptor; the reader then sees the end of the stream.
    /// - Throws: ``TransportError/Code/locked`` if another task is inside ``send(_:timeout:)`` (cancel it first),
    ///   ``TransportError/Code/closed`` if already closed, ``TransportError/Code/transferred`` if handed on.
    public func close() throws {
        try claimIdleWriter()
        defer { handOff() }
        try end.close()
    }

    /// Starts handing the descriptor to a child process (which inherits it): no task can use this end until
    /// ``completeTransfer()`` (the child started; the descriptor is closed here and the end reports
    /// ``TransportError/Code/transferred`` from then on) or ``abortTransfer()`` (the end stays usable).
    /// - Returns: the descriptor, still open.
    /// - Throws: ``TransportError/Code/locked`` if a task is inside an operation,
    ///   ``TransportError/Code/closed`` or ``TransportError/Code/transferred`` if it was given up before,
    ///   ``TransportError/Code/poisoned`` if a send left part of a frame in the pipe (a child writing next would
    ///   complete that frame with its own bytes).
    package func beginTransfer() throws(TransportError) -> Int32 {
        try claimIdleWriter()
        let fd: Int32
        do {
            fd = try end.beginTransfer()
        } catch {
            handOff()
            throw error
        }
        if let earlier = queue.withLock({ $0.poisoning }) {
            end.abortTransfer()
            handOff()
            throw Self.unusable(after: earlier)
        }
        return fd
    }

    /// Finishes a transfer begun with ``beginTransfer()``.
    package func completeTransfer() {
        end.completeTransfer()
        handOff()
    }

    /// Cancels a transfer begun with ``beginTransfer()``.
    package func abortTransfer() {
        end.abortTransfer()
        handOff()
    }

    // MARK: turns

    /// Waits behind the active sender until this frame was written in a batch or it is this task's turn.
    private func waitForTurn(_ payload: [UInt8], deadline: Deadline?) async throws -> SendQueue.Outcome {
        let fd = end.fd
        return try await Waiter<SendQueue.Outcome>.wait(
            deadline: deadline, timers: end.source.reactor, timeout: { .failure(Self.queueTimeout(fd: fd)) },
            enqueue: { waiter in
                queue.withLock { queue in
                    if queue.activateIfIdle() { return .success(.lead(alreadyWritten: 0)) }
                    queue.append(SendQueue.Entry(waiter: waiter, payload: payload, written: 0))
                    return nil
                }
            },
            withdraw: { waiter, outcome in
                // A frame that a batch holds is not withdrawn, only marked: see SendQueue.giveUp(id:with:).
                guard case .failure(let error) = outcome else { return false }
                return self.queue.withLock { $0.giveUp(id: waiter.id, with: error) } != nil
            })
    }

    static func queueTimeout(fd: Int32) -> TransportError {
        TransportError.timedOut(fd: fd, "the frame was not sent within the timeout (other tasks were sending)")
    }

    /// Makes the next queued sender active, or the writer idle.
    func handOff() {
        guard let next = queue.withLock({ $0.handOff() }) else { return }
        next.waiter.resume(with: .success(.lead(alreadyWritten: next.written)))
    }

    /// Becomes active for `close` or a transfer, which must not overlap a send.
    func claimIdleWriter() throws(TransportError) {
        guard queue.withLock({ $0.activateIfIdle() }) else {
            try end.checkOpen()
            throw TransportError.locked(fd: end.fd)
        }
    }

    /// The error of every send after one that left part of a frame in the pipe.
    static func unusable(after earlier: TransportError) -> TransportError {
        TransportError(
            .poisoned, "the writer is unusable: an earlier send left part of a frame in the pipe (\(earlier.message))",
            fileDescriptor: earlier.fileDescriptor, underlying: earlier)
    }

    func poison(_ error: TransportError) {
        queue.withLock { $0.poison(error) }
    }
}
