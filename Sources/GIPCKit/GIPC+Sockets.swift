extension GIPC {
    /// Connects to a listener (a ``SocketListener``, or Python's `multiprocessing.connection.Listener`) and
    /// authenticates: the connection is a duplex pipe like any other, with the same frames, codecs, timeouts and
    /// errors.
    ///
    /// ```swift
    /// let connection = try await GIPC.connect(to: try SocketAddress(parsing: "tcp:127.0.0.1:7000"),
    ///                                         sending: Job.self, receiving: Result.self, codec: .msgpack,
    ///                                         authentication: .key(Array("secret".utf8)))
    /// try await connection.put(job)
    /// ```
    /// - Parameters:
    ///   - address: where the listener is (``/GIPCTransport/SocketAddress``: `unix:PATH`, `unix:@NAME`, `tcp:HOST:PORT`).
    ///   - sending: the type this end sends.
    ///   - receiving: the type this end receives.
    ///   - codec: the codec both ends agreed on.
    ///   - authentication: the shared key (``/GIPCTransport/SocketAuthentication/key(_:)``); ``/GIPCTransport/SocketAuthentication/none`` for no
    ///     handshake over a Unix-domain socket, ``/GIPCTransport/SocketAuthentication/disabled`` for none over TCP.
    ///   - options: the frame limit and the connect and handshake timeouts.
    /// - Returns: the connection.
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/connectionRefused``, ``GIPCError/Code/authenticationFailed``
    ///   (the keys differ), ``GIPCError/Code/invalidArgument`` (a bad address, or TCP without a key),
    ///   ``GIPCError/Code/timedOut``, ``GIPCError/Code/endOfStream`` or ``GIPCError/Code/connectionReset`` (the
    ///   listener dropped the connection), ``GIPCError/Code/corruptStream``, ``GIPCError/Code/systemError``;
    ///   `CancellationError`.
    public static func connect<Outgoing: Codable & Sendable, Incoming: Codable & Sendable>(
        to address: SocketAddress,
        sending: Outgoing.Type = Outgoing.self,
        receiving: Incoming.Type = Incoming.self,
        codec: any MessageCodec = .json,
        authentication: SocketAuthentication,
        options: SocketOptions = SocketOptions()
    ) async throws -> DuplexPipe<Outgoing, Incoming> {
        let connection = try await GIPCError.mapping {
            try await FrameConnection.connect(to: address, authentication: authentication, options: options)
        }
        return DuplexPipe(connection: connection, codec: codec)
    }

    /// Connects, runs `body` with the connection, and closes it afterwards, whatever happens.
    /// - Parameters:
    ///   - address: where the listener is.
    ///   - sending: the type this end sends.
    ///   - receiving: the type this end receives.
    ///   - codec: the codec both ends agreed on.
    ///   - authentication: the shared key, or no handshake.
    ///   - options: the frame limit and the connect and handshake timeouts.
    ///   - isolation: the caller's actor, on which `body` runs (inferred).
    ///   - body: the code that uses the connection.
    /// - Returns: what `body` returns.
    /// - Throws: what ``connect(to:sending:receiving:codec:authentication:options:)`` or `body` throws.
    public static func withConnection<Outgoing: Codable & Sendable, Incoming: Codable & Sendable, Result>(
        to address: SocketAddress,
        sending: Outgoing.Type = Outgoing.self,
        receiving: Incoming.Type = Incoming.self,
        codec: any MessageCodec = .json,
        authentication: SocketAuthentication,
        options: SocketOptions = SocketOptions(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (DuplexPipe<Outgoing, Incoming>) async throws -> sending Result
    ) async throws -> sending Result {
        let connection = try await connect(
            to: address, sending: Outgoing.self, receiving: Incoming.self, codec: codec,
            authentication: authentication, options: options)
        defer { connection.closeQuietly() }
        return try await body(connection)
    }

    /// Listens for connections: each one that passes the authentication handshake is a duplex pipe.
    ///
    /// ```swift
    /// let listener = try GIPC.listen(on: .unix(path: "/tmp/app.sock"), sending: Reply.self, receiving: Job.self,
    ///                                authentication: .key(key))
    /// for try await connection in listener { Task { try await serve(connection) } }
    /// ```
    /// - Parameters:
    ///   - address: where to listen; port 0 lets the system choose (``SocketListener/address`` has it).
    ///   - sending: the type each connection sends.
    ///   - receiving: the type each connection receives.
    ///   - codec: the codec both ends agreed on.
    ///   - authentication: the shared key; ``/GIPCTransport/SocketAuthentication/none`` (Unix-domain addresses only) or
    ///     ``/GIPCTransport/SocketAuthentication/disabled`` for no handshake.
    ///   - options: the handshake slots and deadline, the backlog and the frame limit.
    /// - Returns: the listener; close it with ``SocketListener/close()`` (or use
    ///   ``withListener(on:sending:receiving:codec:authentication:options:isolation:_:)``).
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/invalidArgument`` (a bad address, or TCP without a key),
    ///   ``GIPCError/Code/systemError`` (`EADDRINUSE`, `EACCES`, …).
    public static func listen<Outgoing: Codable & Sendable, Incoming: Codable & Sendable>(
        on address: SocketAddress,
        sending: Outgoing.Type = Outgoing.self,
        receiving: Incoming.Type = Incoming.self,
        codec: any MessageCodec = .json,
        authentication: SocketAuthentication,
        options: SocketOptions = SocketOptions()
    ) throws -> SocketListener<Outgoing, Incoming> {
        do {
            let listener = try FrameListener(listeningOn: address, authentication: authentication, options: options)
            return SocketListener(listener: listener, codec: codec)
        } catch {
            throw GIPCError(error)
        }
    }

    /// Runs `body` with a new listener and closes it afterwards (its socket is closed when this returns), whatever
    /// happens. Connections `body` took stay open.
    /// - Parameters:
    ///   - address: where to listen.
    ///   - sending: the type each connection sends.
    ///   - receiving: the type each connection receives.
    ///   - codec: the codec both ends agreed on.
    ///   - authentication: the shared key, or no handshake.
    ///   - options: the handshake slots and deadline, the backlog and the frame limit.
    ///   - isolation: the caller's actor, on which `body` runs (inferred).
    ///   - body: the code that uses the listener.
    /// - Returns: what `body` returns.
    /// - Throws: what ``listen(on:sending:receiving:codec:authentication:options:)`` or `body` throws.
    public static func withListener<Outgoing: Codable & Sendable, Incoming: Codable & Sendable, Result>(
        on address: SocketAddress,
        sending: Outgoing.Type = Outgoing.self,
        receiving: Incoming.Type = Incoming.self,
        codec: any MessageCodec = .json,
        authentication: SocketAuthentication,
        options: SocketOptions = SocketOptions(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (SocketListener<Outgoing, Incoming>) async throws -> sending Result
    ) async throws -> sending Result {
        let listener = try listen(
            on: address, sending: Outgoing.self, receiving: Incoming.self, codec: codec,
            authentication: authentication, options: options)
        do {
            let result = try await body(listener)
            await listener.listener.closeAndWait()
            return result
        } catch {
            await listener.listener.closeAndWait()
            throw error
        }
    }
}
