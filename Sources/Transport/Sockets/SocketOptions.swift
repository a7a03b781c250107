/// Settings of socket connections and listeners, fixed when they are made.
public struct SocketOptions: Sendable, Hashable {
    /// The largest payload a connection's reading end accepts after the handshake; default 64 MiB. Handshake
    /// messages are limited to ``Handshake/maxMessageBytes`` whatever this says.
    public var maxFrameBytes: Int
    /// How long an empty receive keeps trying before it suspends (see ``PipeOptions/spinBeforeWaiting``).
    public var spinBeforeWaiting: Duration
    /// How long the authentication handshake may take in all, for either side; a listener closes a connection
    /// that has not finished by then. Default 10 seconds.
    public var handshakeTimeout: Duration
    /// A listener: how many accepted connections may be in the handshake at once. While that many are, no further
    /// connection is accepted (they wait in the kernel's backlog), so slow or silent clients cost at most this many
    /// descriptors and tasks. Default 64.
    public var maxConcurrentHandshakes: Int
    /// A listener: how many authenticated connections may wait for ``FrameListener/accept(timeout:)`` before it
    /// stops accepting more. Default 64.
    public var maxPendingConnections: Int
    /// A listener: the kernel's backlog of connections not yet accepted. Default 1024.
    public var backlog: Int
    /// Connecting: how long to wait for the connection itself (before the handshake); `nil` waits as long as the
    /// system does. Default 30 seconds.
    public var connectTimeout: Duration?

    /// Creates options.
    /// - Parameters:
    ///   - maxFrameBytes: the reading end's frame limit after the handshake.
    ///   - spinBeforeWaiting: how long an empty receive keeps trying before it suspends.
    ///   - handshakeTimeout: the handshake's deadline.
    ///   - maxConcurrentHandshakes: a listener's handshake slots.
    ///   - maxPendingConnections: a listener's queue of authenticated connections.
    ///   - backlog: a listener's kernel backlog.
    ///   - connectTimeout: how long connecting may take.
    public init(
        maxFrameBytes: Int = FrameFormat.defaultMaxFrameBytes, spinBeforeWaiting: Duration = PipeOptions.defaultSpin,
        handshakeTimeout: Duration = .seconds(10), maxConcurrentHandshakes: Int = 64, maxPendingConnections: Int = 64,
        backlog: Int = 1024, connectTimeout: Duration? = .seconds(30)
    ) {
        self.maxFrameBytes = maxFrameBytes
        self.spinBeforeWaiting = spinBeforeWaiting
        self.handshakeTimeout = handshakeTimeout
        self.maxConcurrentHandshakes = max(1, maxConcurrentHandshakes)
        self.maxPendingConnections = max(1, maxPendingConnections)
        self.backlog = max(1, backlog)
        self.connectTimeout = connectTimeout
    }
}

/// How a socket connection proves that both sides know a shared key: CPython `multiprocessing.connection`'s
/// challenge/response handshake (``Handshake``), or nothing.
public enum SocketAuthentication: Sendable, Hashable {
    /// Both sides prove knowledge of this key (Python's `authkey`), in both directions, before any frame.
    case key([UInt8])
    /// No handshake, over a Unix-domain socket only (the socket file's permissions guard it): a TCP address is
    /// refused with ``TransportError/Code/invalidArgument``.
    case none
    /// No handshake over any address, TCP included: anyone who can reach the port can talk. Only when asked for.
    case disabled

    /// The key, or `nil` when there is no handshake.
    var authkey: [UInt8]? {
        if case .key(let key) = self { return key }
        return nil
    }

    /// Refuses ``none`` with a TCP address.
    func check(for address: SocketAddress) throws(TransportError) {
        if case .none = self, !address.isUnixDomain {
            throw TransportError(
                .invalidArgument,
                "\(address) is a TCP address and no authentication key was given: pass .key(...) or, to accept anyone "
                    + "who can reach the port, .disabled")
        }
    }
}
