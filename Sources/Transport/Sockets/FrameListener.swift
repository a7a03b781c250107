import CGIPCSystem
import GIPCRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A listening socket that accepts connections, authenticates each one and hands out those that passed, as
/// ``FrameConnection``s.
///
/// One task accepts; each accepted connection runs the handshake (challenge, then answer: the order of CPython's
/// `Listener.accept`) in a task of its own, at most ``SocketOptions/maxConcurrentHandshakes`` at once and each for at
/// most ``SocketOptions/handshakeTimeout``. A client that never answers holds one slot until its deadline; one that
/// fails the handshake is closed and costs nothing else. No frame of a connection is read before it passed.
/// ``accept(timeout:)`` and ``connections`` take the connections that passed, in the order they passed.
///
/// ```swift
/// let listener = try FrameListener(listeningOn: .unix(path: "/tmp/app.sock"), authentication: .key(key))
/// for try await connection in listener.connections { … }
/// ```
public final class FrameListener: Sendable {
    /// The address the listener is bound to (with the port the system chose for `tcp:HOST:0`).
    public let address: SocketAddress
    let core: ListenerCore
    private let loop: Task<Void, Never>

    /// Binds, listens and starts accepting.
    /// - Parameters:
    ///   - address: where to listen; a Unix-domain path must not exist yet (a stale socket file is refused with
    ///     `EADDRINUSE`, as CPython's `Listener` does), and is removed when the listener closes.
    ///   - authentication: the shared key; `.none` for no handshake is allowed on Unix-domain addresses only,
    ///     `.disabled` anywhere.
    ///   - options: the handshake slots and deadline, the queue of connections that passed, the backlog, and the
    ///     connections' frame limit.
    /// - Throws: ``TransportError`` with ``TransportError/Code/invalidArgument`` (TCP with `.none`),
    ///   ``TransportError/Code/invalidAddress``, ``TransportError/Code/systemError`` (`EADDRINUSE`, `EACCES`, …).
    public init(
        listeningOn address: SocketAddress, authentication: SocketAuthentication,
        options: SocketOptions = SocketOptions()
    ) throws {
        try authentication.check(for: address)
        var system = try address.systemAddress()
        let fd = gipc_socket_open(&system.storage)
        guard fd >= 0 else { throw TransportError.system("socket", errno: errno) }
        guard gipc_socket_listen(fd, &system.storage, system.size, Int32(clamping: options.backlog)) == 0 else {
            let code = errno
            Syscalls.close(fd)
            throw TransportError(
                .systemError, "cannot listen at \(address)", fileDescriptor: fd, syscall: "bind/listen", errno: code)
        }
        var bound = address
        if case .tcp(let host, 0) = address {
            let port = gipc_socket_local_port(fd)
            if port > 0 { bound = .tcp(host: host, port: Int(port)) }
        }
        let end: PipeEnd
        do {
            end = try PipeEnd(adopting: fd, events: .read)
        } catch {
            Syscalls.close(fd)
            if case .unix(let path) = address { _ = unlink(path) }
            throw error
        }
        self.address = bound
        let core = ListenerCore(end: end, address: bound, options: options, authentication: authentication)
        self.core = core
        self.loop = Task { await core.acceptLoop() }
    }

    /// Counts of what the listener did so far.
    public struct Statistics: Sendable, Hashable {
        /// Connections accepted from the kernel.
        public var accepted = 0
        /// Connections that passed the handshake (or needed none).
        public var authenticated = 0
        /// Connections closed because their handshake failed (wrong key, protocol error, oversized message, the
        /// peer went away).
        public var failedHandshakes = 0
        /// Connections closed because their handshake passed its deadline.
        public var timedOutHandshakes = 0
        /// The most handshakes that were in progress at once.
        public var peakConcurrentHandshakes = 0
        /// Handshakes in progress now.
        public var handshakesInProgress = 0
        /// The last handshake failure, for logs.
        public var lastFailure: String? = nil
    }

    /// What the listener did so far.
    public var statistics: Statistics { core.state.withLock { $0.statistics } }

    /// Takes the next connection that passed the handshake.
    /// - Parameter timeout: how long to wait; `nil` waits until one comes or the listener closes.
    /// - Returns: the connection, owned by the caller.
    /// - Throws: ``TransportError`` with ``TransportError/Code/closed`` once the listener is closed,
    ///   ``TransportError/Code/timedOut``; `CancellationError`.
    public func accept(timeout: Duration? = nil) async throws -> FrameConnection {
        try await core.accept(timeout: timeout)
    }

    /// The connections that pass the handshake, as an `AsyncSequence` that ends when the listener is closed.
    public var connections: Connections { Connections(listener: self) }

    /// An `AsyncSequence` of the connections a ``FrameListener`` accepts and authenticates.
    public struct Connections: AsyncSequence, Sendable {
        public typealias Element = FrameConnection
        let listener: FrameListener

        public func makeAsyncIterator() -> Iterator { Iterator(listener: listener) }

        /// Takes one connection per `next()`; ends (returns `nil`) once the listener is closed.
        public struct Iterator: AsyncIteratorProtocol {
            let listener: FrameListener

            public mutating func next() async throws -> FrameConnection? {
                do {
                    return try await listener.accept()
                } catch let error as TransportError where error.code == .closed {
                    return nil
                }
            }
        }
    }

    /// Stops accepting: the listening socket closes (its socket file is removed) as soon as the accepting task has
    /// stopped, connections still in the handshake or waiting to be taken are closed, and waiting
    /// ``accept(timeout:)`` calls end with ``TransportError/Code/closed``. Connections handed out already stay
    /// open. Closing twice does nothing.
    public func close() {
        core.close()
        loop.cancel()
    }

    /// Closes the listener and waits until its socket is closed (so the address can be listened on again).
    public func closeAndWait() async {
        close()
        await loop.value
    }

    /// Runs `body` with a new listener and closes it afterwards (waiting until the socket is closed), whether `body`
    /// returns, throws or is cancelled. Connections `body` took stay open.
    /// - Parameters:
    ///   - address: where to listen.
    ///   - authentication: the shared key, or no handshake.
    ///   - options: as for ``init(listeningOn:authentication:options:)``.
    ///   - isolation: the caller's actor, on which `body` runs (inferred).
    ///   - body: the code that uses the listener.
    /// - Returns: what `body` returns.
    /// - Throws: what ``init(listeningOn:authentication:options:)`` or `body` throws.
    public static func with<Result>(
        listeningOn address: SocketAddress, authentication: SocketAuthentication,
        options: SocketOptions = SocketOptions(), isolation: isolated (any Actor)? = #isolation,
        _ body: (FrameListener) async throws -> sending Result
    ) async throws -> sending Result {
        let listener = try FrameListener(listeningOn: address, authentication: authentication, options: options)
        do {
            let result = try await body(listener)
            await listener.closeAndWait()
            return result
        } catch {
            await listener.closeAndWait()
            throw error
        }
    }

    deinit {
        core.close()
        loop.cancel()
    }
}
