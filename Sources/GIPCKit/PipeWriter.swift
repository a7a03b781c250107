/// The writing end of a typed pipe: ``put(_:timeout:)`` suspends the calling task while the pipe is full.
///
/// Concurrent `put`s from many tasks are written one whole message at a time, in call order. A `put` that times
/// out or is cancelled before its first byte leaves nothing behind; once bytes of a message are in the pipe, it is
/// completed or the writer becomes unusable (``GIPCError/Code/corruptStream``): never a silent half message.
///
/// Keep one writer per pipe across processes: messages larger than `PIPE_BUF` from two processes would interleave.
public final class PipeWriter<Message: Encodable & Sendable>: Sendable {
    let end: FrameWriter
    /// The codec that encodes each message.
    public let codec: any MessageCodec
    /// Whether messages are byte arrays sent as they are (the raw codec): no encoding, no copy.
    private let sendsBytesAsIs: Bool
    /// Shared with the reading end, when this process made the pipe.
    let peer: PeerLink?

    init(end: FrameWriter, codec: any MessageCodec, peer: PeerLink? = nil) {
        self.end = end
        self.codec = codec
        self.peer = peer
        self.sendsBytesAsIs = codec is RawCodec && Message.self == [UInt8].self
    }

    /// Adopts an open descriptor to write frames to (for example one a parent passed as fd 4).
    /// - Parameters:
    ///   - fd: the descriptor; owned by the writer from now on.
    ///   - codec: the codec both ends agreed on.
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/systemError`` if the descriptor cannot be set up.
    public convenience init(adopting fd: Int32, codec: any MessageCodec) throws {
        do {
            self.init(end: try FrameWriter(adopting: fd), codec: codec)
        } catch {
            throw GIPCError(error)
        }
    }

    /// Sends a message.
    ///
    /// When no other task is sending and the pipe has room, the message is written at once on the calling task and
    /// `put` returns without suspending; it runs on the caller's executor (an actor's `put` does not hop off it).
    /// - Parameters:
    ///   - message: the message.
    ///   - timeout: how long to wait in all (behind other tasks' `put`s too); `nil` waits forever.
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/peerClosed`` when the reading end is gone,
    ///   ``GIPCError/Code/codecFailure`` if the codec cannot encode the message (nothing is written),
    ///   ``GIPCError/Code/timedOut``, ``GIPCError/Code/corruptStream``, ``GIPCError/Code/closed``,
    ///   ``GIPCError/Code/transferred``; `CancellationError` when cancelled before the first byte.
    nonisolated(nonsending) public func put(_ message: Message, timeout: Duration? = nil) async throws {
        let payload: [UInt8]
        var attempt: ImmediateSend?
        if sendsBytesAsIs {
            // The raw codec would copy the bytes into a new array; the frame can carry the caller's array itself.
            payload = unsafeBitCast(message, to: [UInt8].self)
        } else {
            // The codec encodes into its reused buffer behind room for the frame header: a small frame is written
            // from there at once. Only a frame that waits (or a large one) is copied into an array of its own.
            var failure: TransportError?
            do {
                payload = try codec.withEncoded(message, headerRoom: FrameFormat.shortHeaderBytes) { frame in
                    let body = UnsafeRawBufferPointer(rebasing: frame[FrameFormat.shortHeaderBytes...])
                    if body.count <= FrameWriter.singleWriteLimit {
                        do throws(TransportError) {
                            attempt = try end.sendWithoutWaiting(frame: frame)
                        } catch {
                            failure = error
                            return []
                        }
                        if attempt == .sent { return [] }
                    }
                    return [UInt8](body)
                }
            } catch {
                throw GIPCError(codecFailure: error, codec: codec.name, encoding: true)
            }
            if let failure { throw GIPCError(failure) }
        }
        if attempt == nil {
            do {
                attempt = try end.sendWithoutWaiting(payload)
            } catch {
                throw GIPCError(error)
            }
        }
        guard let attempt, attempt != .sent else { return }
        try await GIPCError.mapping { try await end.completeSend(payload, after: attempt, timeout: timeout) }
    }

    /// Closes the writer; the reader sees the end of the stream after the messages already sent.
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/locked`` if another task is inside ``put(_:timeout:)``,
    ///   ``GIPCError/Code/closed`` if already closed, ``GIPCError/Code/transferred`` if handed to a child.
    public func close() throws {
        do { try end.close() } catch { throw GIPCError(error) }
    }

    /// The descriptor number of this end (kept after it is closed or transferred, for messages).
    public var fileDescriptor: Int32 { end.fileDescriptor }

    /// Whether this process still owns the writer (not closed, not transferred).
    public var isOpen: Bool { end.isOpen }
}
