import CGIPCSystem
import GIPCRuntime

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A connected stream socket carrying frames both ways: a ``FrameReader`` and a ``FrameWriter`` over the same
/// socket, with the frame format, limits, timeouts and errors of a pipe.
///
/// The reader and the writer hold two descriptors of the one socket (the writer's is a `dup`), so each has its own
/// readiness registration and lock, `send` and `receive` never wait for each other, and either can be handed to a
/// child process like a pipe end. The socket closes when both are closed; ``closeWrite()`` ends the sending
/// direction alone (the peer sees the end of the stream).
///
/// ```swift
/// let connection = try await FrameConnection.connect(to: .tcp(host: "127.0.0.1", port: 7000),
///                                                    authentication: .key(Array("secret".utf8)))
/// try await connection.writer.send(Array("ping".utf8))
/// let reply = try await connection.reader.receive()
/// ```
public final class FrameConnection: Sendable {
    /// The receiving direction.
    public let reader: FrameReader
    /// The sending direction.
    public let writer: FrameWriter

    /// Adopts a connected socket: `fd` becomes the reader's, a duplicate the writer's.
    /// - Throws: ``TransportError/Code/systemError``; `fd` is closed then.
    init(adoptingConnected fd: Int32, options: SocketOptions) throws(TransportError) {
        let family = gipc_socket_family(fd)
        if family == Int32(GIPC_SOCKET_INET) || family == Int32(GIPC_SOCKET_INET6) { _ = gipc_socket_no_delay(fd) }
        let copy = fcntl(fd, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else {
            let code = errno
            Syscalls.close(fd)
            throw TransportError.system("fcntl(F_DUPFD_CLOEXEC)", errno: code, fd: fd)
        }
        do {
            reader = try FrameReader(
                adopting: fd, maxFrameBytes: options.maxFrameBytes, spinBeforeWaiting: options.spinBeforeWaiting,
                receivingDescriptors: family == Int32(GIPC_SOCKET_UNIX))
        } catch {
            Syscalls.close(fd)
            Syscalls.close(copy)
            throw error
        }
        do {
            writer = try FrameWriter(adopting: copy)
        } catch let error as TransportError {
            Syscalls.close(copy)
            throw error  // the reader closes its descriptor when it is released
        } catch {
            Syscalls.close(copy)
            throw TransportError(.systemError, "\(error)")
        }
    }

    /// Adopts a connected stream socket (for example one received with a passed handle) and authenticates it.
    /// - Parameters:
    ///   - fd: the socket; owned by the connection from now on (closed if this throws).
    ///   - options: the frame limit and spin.
    /// - Throws: ``TransportError/Code/systemError`` if the descriptor cannot be set up.
    public convenience init(adopting fd: Int32, options: SocketOptions = SocketOptions()) throws {
        try self.init(adoptingConnected: fd, options: options)
    }

    /// Connects to a listener and runs the handshake: answers the listener's challenge, then challenges it (the
    /// order of CPython's `Client`).
    /// - Parameters:
    ///   - address: where the listener is.
    ///   - authentication: the shared key, or `.none` (Unix-domain sockets) / `.disabled` for no handshake.
    ///   - options: limits, the connect timeout and the handshake timeout.
    /// - Returns: the authenticated connection.
    /// - Throws: ``TransportError`` with ``TransportError/Code/connectionRefused`` (nobody listens there),
    ///   ``TransportError/Code/invalidAddress``, ``TransportError/Code/invalidArgument`` (TCP with `.none`),
    ///   ``TransportError/Code/authenticationFailed`` (the keys differ or the peer broke the protocol),
    ///   ``TransportError/Code/timedOut``, ``TransportError/Code/endOfStream`` or
    ///   ``TransportError/Code/connectionReset`` (the listener dropped the connection), ``TransportError/Code/frameTooLarge``
    ///   (a handshake message over 256 bytes), ``TransportError/Code/systemError``; `CancellationError`.
    public static func connect(
        to address: SocketAddress, authentication: SocketAuthentication, options: SocketOptions = SocketOptions()
    ) async throws -> FrameConnection {
        try authentication.check(for: address)
        let connection = try await SocketConnector.connect(to: address, options: options)
        do {
            if let authkey = authentication.authkey {
                try await connection.authenticateAsClient(authkey: authkey, timeout: options.handshakeTimeout)
            }
        } catch {
            connection.closeQuietly()
            throw error
        }
        return connection
    }

    /// The client's handshake: answer, then challenge.
    func authenticateAsClient(authkey: [UInt8], timeout: Duration) async throws {
        let clock = Handshake.Remaining(timeout)
        try await Handshake.answerChallenge(reader: reader, writer: writer, authkey: authkey, timeout: clock.left)
        try await Handshake.deliverChallenge(reader: reader, writer: writer, authkey: authkey, timeout: clock.left)
    }

    /// The listener's handshake: challenge, then answer.
    func authenticateAsListener(authkey: [UInt8], timeout: Duration) async throws {
        let clock = Handshake.Remaining(timeout)
        try await Handshake.deliverChallenge(reader: reader, writer: writer, authkey: authkey, timeout: clock.left)
        try await Handshake.answerChallenge(reader: reader, writer: writer, authkey: authkey, timeout: clock.left)
    }

    /// Ends the sending direction: the peer reads the end of the stream after the frames already sent, and can
    /// still send to this side.
    /// - Throws: as ``FrameWriter/close()``.
    public func closeWrite() throws {
        try writer.shutdownAndClose()
    }

    /// Closes both directions (the socket closes once both descriptors are gone). Both are attempted; the first
    /// error is thrown.
    /// - Throws: as ``FrameReader/close()`` and ``FrameWriter/close()``.
    public func close() throws {
        var first: (any Error)? = nil
        do { try writer.close() } catch { first = error }
        do { try reader.close() } catch { first = first ?? error }
        if let first { throw first }
    }

    /// Closes what is still open, ignoring errors.
    func closeQuietly() {
        if writer.isOpen { try? writer.close() }
        if reader.isOpen { try? reader.close() }
    }

    /// Passes open descriptors to the peer, as `multiprocessing.reduction.send_handle` does (Unix-domain sockets).
    /// They stay open here.
    /// - Parameters:
    ///   - fds: 1 to 253 descriptors.
    ///   - timeout: how long to wait for room in the socket.
    /// - Throws: see ``FrameWriter`` (``TransportError/Code/handlePassingFailed`` over TCP or for a closed
    ///   descriptor, ``TransportError/Code/locked`` while a send is in progress).
    public func sendDescriptors(_ fds: [Int32], timeout: Duration? = nil) async throws {
        guard !fds.isEmpty, fds.count <= Int(GIPC_SOCKET_MAX_FDS) else {
            throw TransportError(.invalidArgument, "pass 1 to \(GIPC_SOCKET_MAX_FDS) descriptors, not \(fds.count)")
        }
        try await writer.sendHandleMessage(fds, timeout: timeout)
    }

    /// Receives descriptors the peer passed, as `multiprocessing.reduction.recv_handle` does.
    /// - Parameters:
    ///   - count: how many the caller expects (Python's `recv_handle` passes one).
    ///   - timeout: how long to wait.
    /// - Returns: the descriptors, owned by the caller, close-on-exec.
    /// - Throws: ``TransportError/Code/handlePassingFailed`` when a different number arrived than announced or
    ///   expected, or none (every descriptor that did arrive is closed), over TCP, or inside a frame;
    ///   ``TransportError/Code/endOfStream``, ``TransportError/Code/timedOut``, ``TransportError/Code/closed``;
    ///   `CancellationError`.
    public func receiveDescriptors(count: Int = 1, timeout: Duration? = nil) async throws -> [Int32] {
        try await reader.receiveDescriptors(count: count, timeout: timeout)
    }
}
