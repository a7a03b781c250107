public import GIPCKit

/// A duplex connection between two actor systems that carries ``ActorEnvelope``s, one per frame.
///
/// The actor system talks to every peer through this protocol: a pipe pair to a child today
/// (``/GIPCKit/DuplexPipe`` conforms), any other frame transport (a socket) by conforming it too.
public protocol ActorChannel: Sendable {
    /// The codec both ends use for envelopes, arguments and results.
    var codec: any MessageCodec { get }
    /// Sends one envelope; concurrent sends go out whole, one after another.
    /// - Throws: the transport's error (for a pipe, ``/GIPCKit/GIPCError``).
    func send(_ envelope: ActorEnvelope) async throws
    /// Receives the next envelope.
    /// - Throws: the transport's error; for a pipe ``/GIPCKit/GIPCError/Code/endOfStream`` when the peer closed,
    ///   ``/GIPCKit/GIPCError/Code/peerExited`` when the peer's process ended abnormally.
    func receive() async throws -> ActorEnvelope
    /// Closes the sending direction: the peer sees the end of the stream after what was sent. Does nothing when it
    /// is closed already.
    /// - Returns: whether the direction is closed now (`false` while a send is still under way).
    func closeSending() -> Bool
    /// Closes the receiving direction, once nothing receives any more. Does nothing when it is closed already.
    /// - Returns: whether the direction is closed now (`false` while a receive is still under way).
    func closeReceiving() -> Bool
}

extension DuplexPipe: ActorChannel where Outgoing == ActorEnvelope, Incoming == ActorEnvelope {
    /// The codec of the writing half.
    public var codec: any MessageCodec { writer.codec }

    /// Sends one envelope (``/GIPCKit/PipeWriter/put(_:timeout:)``).
    public func send(_ envelope: ActorEnvelope) async throws {
        try await writer.put(envelope)
    }

    /// Receives the next envelope (``/GIPCKit/PipeReader/get(timeout:)``).
    public func receive() async throws -> ActorEnvelope {
        try await reader.get()
    }

    /// Closes the writing half (``/GIPCKit/PipeWriter/close()``) unless it is closed or handed on already.
    public func closeSending() -> Bool {
        guard writer.isOpen else { return true }
        do { try writer.close() } catch { return !writer.isOpen }
        return true
    }

    /// Closes the reading half (``/GIPCKit/PipeReader/close()``) unless it is closed or handed on already.
    public func closeReceiving() -> Bool {
        guard reader.isOpen else { return true }
        do { try reader.close() } catch { return !reader.isOpen }
        return true
    }
}
