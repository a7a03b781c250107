/// A listening socket whose connections, once they passed the authentication handshake, are duplex pipes: an
/// `AsyncSequence` of them that ends when the listener is closed.
///
/// Made by ``GIPC/listen(on:sending:receiving:codec:authentication:options:)`` or
/// ``GIPC/withListener(on:sending:receiving:codec:authentication:options:isolation:_:)``. Accepting and the
/// handshakes run in the listener's own task: at most ``/GIPCTransport/SocketOptions/maxConcurrentHandshakes`` at once, each for
/// at most ``/GIPCTransport/SocketOptions/handshakeTimeout``, so clients that never finish cannot stall the others; a failed
/// handshake closes only that connection.
public final class SocketListener<Outgoing: Codable & Sendable, Incoming: Codable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = DuplexPipe<Outgoing, Incoming>

    let listener: FrameListener
    /// The codec of every connection.
    public let codec: any MessageCodec

    init(listener: FrameListener, codec: any MessageCodec) {
        self.listener = listener
        self.codec = codec
    }

    /// The address the listener is bound to (with the port the system chose for port 0).
    public var address: SocketAddress { listener.address }

    /// What the listener did so far: connections accepted and authenticated, failed and timed-out handshakes.
    public var statistics: FrameListener.Statistics { listener.statistics }

    /// Takes the next connection that passed the handshake.
    /// - Parameter timeout: how long to wait; `nil` waits until one comes or the listener closes.
    /// - Returns: the connection, owned by the caller.
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/closed`` once the listener is closed,
    ///   ``GIPCError/Code/timedOut``; `CancellationError`.
    public func accept(timeout: Duration? = nil) async throws -> DuplexPipe<Outgoing, Incoming> {
        let connection = try await GIPCError.mapping { try await listener.accept(timeout: timeout) }
        return DuplexPipe(connection: connection, codec: codec)
    }

    /// Stops accepting and closes the listening socket (removing its socket file) once the accepting task stopped;
    /// connections in the handshake or not yet taken are closed. Connections taken already stay open.
    public func close() { listener.close() }

    public func makeAsyncIterator() -> Iterator { Iterator(listener: self) }

    /// Takes one connection per `next()`; ends once the listener is closed.
    public struct Iterator: AsyncIteratorProtocol {
        let listener: SocketListener

        public mutating func next() async throws -> DuplexPipe<Outgoing, Incoming>? {
            do {
                return try await listener.accept()
            } catch let error as GIPCError where error.code == .closed {
                return nil
            }
        }
    }
}
