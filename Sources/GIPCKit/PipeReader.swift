/// The reading end of a typed pipe: ``get(timeout:)`` suspends the calling task until a whole message arrives.
///
/// Concurrent `get`s from many tasks are served one whole message at a time, in call order. A `get` that times out
/// or is cancelled in the middle of a message keeps what arrived, and the next `get` completes it. A message the
/// codec cannot decode throws ``GIPCError/Code/codecFailure`` and is dropped; the next message decodes normally.
///
/// A reader can be handed to a child process inside an entry's arguments (at any depth) or in the handle list of
/// ``GIPC/start(executable:arguments:environment:handles:name:daemon:standardOutput:standardError:)``; it is then
/// closed here.
public final class PipeReader<Message: Decodable & Sendable>: Sendable {
    let end: FrameReader
    /// The codec that decodes each frame.
    public let codec: any MessageCodec
    /// Whether messages are byte arrays taken as they arrive (the raw codec): the received payload is the message,
    /// without a copy.
    private let receivesBytesAsIs: Bool
    /// Who holds the writing end, when this process made the pipe.
    let peer: PeerLink?

    init(end: FrameReader, codec: any MessageCodec, peer: PeerLink? = nil) {
        self.end = end
        self.codec = codec
        self.peer = peer
        self.receivesBytesAsIs = codec is RawCodec && Message.self == [UInt8].self
    }

    /// Adopts an open descriptor carrying frames (for example one a parent passed as fd 3).
    /// - Parameters:
    ///   - fd: the descriptor; owned by the reader from now on.
    ///   - codec: the codec both ends agreed on.
    ///   - maxFrameBytes: the largest message to accept, in bytes (default 64 MiB).
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/systemError`` if the descriptor cannot be set up.
    public convenience init(
        adopting fd: Int32, codec: any MessageCodec, maxFrameBytes: Int = FrameFormat.defaultMaxFrameBytes
    ) throws {
        do {
            self.init(end: try FrameReader(adopting: fd, maxFrameBytes: maxFrameBytes), codec: codec)
        } catch {
            throw GIPCError(error)
        }
    }

    /// Receives the next message.
    /// - Parameter timeout: how long to wait in all (behind other tasks' `get`s too); `nil` waits forever.
    /// - Returns: the decoded message.
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/endOfStream`` when the writer closed at a message boundary,
    ///   ``GIPCError/Code/truncated``, ``GIPCError/Code/corruptStream``, ``GIPCError/Code/timedOut``,
    ///   ``GIPCError/Code/codecFailure``, ``GIPCError/Code/closed``, ``GIPCError/Code/transferred``;
    ///   ``GIPCError/Code/peerExited`` instead of an end of stream or a truncated message when the writing end was
    ///   handed to a child that then ended abnormally (a signal, a nonzero exit code);
    ///   `CancellationError` when the task is cancelled while waiting.
    public func get(timeout: Duration? = nil) async throws -> Message {
        let decoded: Result<Message, any Error>
        do {
            if receivesBytesAsIs {
                decoded = .success(unsafeBitCast(try await end.receive(timeout: timeout), to: Message.self))
            } else {
                // Decoded where the frame lies in the reader's buffer, without copying it into an array first.
                let codec = self.codec
                decoded = try await end.receive(timeout: timeout) { payload in
                    Result { try codec.decode(Message.self, fromBytes: payload) }
                }
            }
        } catch let error as TransportError {
            let mapped = GIPCError(error)
            guard mapped.code == .endOfStream || mapped.code == .truncated, let peer else { throw mapped }
            throw await peer.exitError(replacing: mapped) ?? mapped
        }
        do {
            return try decoded.get()
        } catch {
            throw GIPCError(codecFailure: error, codec: codec.name, encoding: false)
        }
    }

    /// Closes the reader; a writer in another process then gets ``GIPCError/Code/peerClosed``.
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/locked`` if another task is inside ``get(timeout:)``,
    ///   ``GIPCError/Code/closed`` if already closed, ``GIPCError/Code/transferred`` if handed to a child.
    public func close() throws {
        do { try end.close() } catch { throw GIPCError(error) }
    }

    /// The descriptor number of this end (kept after it is closed or transferred, for messages).
    public var fileDescriptor: Int32 { end.fileDescriptor }

    /// Whether this process still owns the reader (not closed, not transferred).
    public var isOpen: Bool { end.isOpen }

    /// The largest message this reader accepts, in bytes.
    public var maxFrameBytes: Int { end.maxFrameBytes }
}
