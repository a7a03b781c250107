public import Distributed
public import GIPCKit
import Synchronization

extension GIPCActorSystem {
    /// Makes a local actor reachable under a well-known name by processes that connect to this system's listeners
    /// (``listen(on:authentication:codec:options:)``); they find it with ``resolve(_:named:on:)``.
    ///
    /// The system keeps the actor alive from now on. Exposing another actor under the same name replaces the first.
    /// - Parameters:
    ///   - actor: an actor of this system, made in this process.
    ///   - name: the name peers ask for.
    /// - Throws: ``GIPCActorError/Code/unknownActor`` when `actor` is not a local actor of this system.
    public func expose<A: DistributedActor>(_ actor: A, as name: String) throws where A.ID == ActorID {
        guard actor.id.node == node, localActor(actor.id) != nil else {
            throw GIPCActorError(.unknownActor, "only a local actor of this system can be exposed", actor: actor.id)
        }
        retain(actor, id: actor.id)
        state.withLock { $0.exposed[name] = actor.id }
    }

    /// Listens for other processes' actor systems on a socket: each connection that passes the authentication
    /// handshake can resolve the actors exposed with ``expose(_:as:)`` and call them, and this system's actors can
    /// call back into the connected process's actors passed to them.
    ///
    /// ```swift
    /// try system.expose(Store(actorSystem: system), as: "store")
    /// let listener = try system.listen(on: .tcp(host: "127.0.0.1", port: 7000), authentication: .key(key))
    /// ```
    /// - Parameters:
    ///   - address: where to listen (`SocketAddress`); port 0 lets the system choose
    ///     (``ActorListener/address`` has it).
    ///   - authentication: the shared key (`SocketAuthentication/key(_:)`), or no handshake
    ///     (`SocketAuthentication/none` on a Unix-domain address).
    ///   - codec: the codec of the connections' envelopes, arguments and results; default: the system's.
    ///   - options: the handshake slots and deadline, the backlog and the frame limit.
    /// - Returns: the listener; it stops with ``ActorListener/close()`` or ``shutdown(gracePeriod:)``.
    /// - Throws: ``GIPCActorError`` with ``GIPCActorError/Code/shutDown`` after ``shutdown(gracePeriod:)``,
    ///   ``GIPCActorError/Code/transportFailure`` when the socket cannot listen (``GIPCActorError/underlying`` holds
    ///   GIPCKit's error: `invalidArgument`, `systemError`).
    public func listen(
        on address: SocketAddress, authentication: SocketAuthentication, codec: (any MessageCodec)? = nil,
        options: SocketOptions = SocketOptions()
    ) throws -> ActorListener {
        try checkRunning()
        let socket: SocketListener<ActorEnvelope, ActorEnvelope>
        do {
            socket = try GIPC.listen(
                on: address, sending: ActorEnvelope.self, receiving: ActorEnvelope.self, codec: codec ?? self.codec,
                authentication: authentication, options: options)
        } catch {
            throw GIPCActorError(.transportFailure, "cannot listen on \(address): \(error)", underlying: error)
        }
        let listener = ActorListener(socket: socket)
        let accepting = Task { [weak self] in
            await withDiscardingTaskGroup { group in
                for await connection in socket.connections() {
                    group.addTask { [weak self] in
                        let channel = ActorSocketChannel(pipe: connection)
                        guard let self else {
                            _ = channel.closeSending()
                            _ = channel.closeReceiving()
                            return
                        }
                        _ = try? await self.greet(over: channel, timeout: options.handshakeTimeout)
                    }
                }
            }
        }
        listener.accepting.withLock { $0 = accepting }
        let refused = state.withLock { state -> Bool in
            guard !state.isShutDown else { return true }
            state.listeners.append(listener)
            return false
        }
        if refused {
            listener.close()
            throw GIPCActorError(.shutDown, "the actor system was shut down")
        }
        return listener
    }

    /// Connects to another process's actor system listening on a socket (``listen(on:authentication:codec:options:)``)
    /// and authenticates: its exposed actors can then be resolved by name (``resolve(_:named:on:)``).
    ///
    /// ```swift
    /// let connection = try await system.connect(to: .tcp(host: "127.0.0.1", port: 7000), authentication: .key(key))
    /// let store = try await system.resolve(Store.self, named: "store", on: connection)
    /// ```
    /// When the connection is lost (the other process died, closed it, or broke the protocol), every pending and
    /// later call to its actors fails at once with ``GIPCActorError/Code/connectionLost``.
    /// - Parameters:
    ///   - address: where the other system listens.
    ///   - authentication: the shared key, or no handshake (as the listener has it).
    ///   - codec: the codec the listener uses; default: this system's.
    ///   - options: the frame limit and the connect and handshake timeouts.
    /// - Returns: the connection.
    /// - Throws: ``GIPCActorError`` with ``GIPCActorError/Code/authenticationFailed`` (the keys differ),
    ///   ``GIPCActorError/Code/transportFailure`` (nobody listens, a bad address, a timeout; the
    ///   ``GIPCActorError/underlying`` ``/GIPCKit/GIPCError`` says which), ``GIPCActorError/Code/protocolViolation``
    ///   (the other end is no actor system), ``GIPCActorError/Code/shutDown``; `CancellationError`.
    public func connect(
        to address: SocketAddress, authentication: SocketAuthentication, codec: (any MessageCodec)? = nil,
        options: SocketOptions = SocketOptions()
    ) async throws -> ActorConnection {
        try checkRunning()
        let pipe: DuplexPipe<ActorEnvelope, ActorEnvelope>
        do {
            pipe = try await GIPC.connect(
                to: address, sending: ActorEnvelope.self, receiving: ActorEnvelope.self, codec: codec ?? self.codec,
                authentication: authentication, options: options)
        } catch let error as GIPCError where error.code == .authenticationFailed {
            throw GIPCActorError(
                .authenticationFailed, "the listener at \(address) refused the key: \(error.message)",
                underlying: error)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw GIPCActorError(.transportFailure, "cannot connect to \(address): \(error)", underlying: error)
        }
        let peer = try await greet(over: ActorSocketChannel(pipe: pipe), timeout: options.handshakeTimeout)
        return ActorConnection(peer: peer)
    }

    /// Finds the actor exposed under `name` by the system at the other end of `connection`.
    /// - Parameters:
    ///   - type: the actor's type (both programs have it).
    ///   - name: the name it was exposed under.
    ///   - connection: the connection to its system.
    /// - Returns: the reference; its distributed methods run in the other process.
    /// - Throws: ``GIPCActorError`` with ``GIPCActorError/Code/unknownActor`` (nothing exposed under `name`),
    ///   ``GIPCActorError/Code/connectionLost``, ``GIPCActorError/Code/shutDown``, ``GIPCActorError/Code/timedOut``;
    ///   `CancellationError`.
    public func resolve<A: DistributedActor>(
        _ type: A.Type, named name: String, on connection: ActorConnection
    ) async throws -> A where A.ActorSystem == GIPCActorSystem {
        let peer = connection.peer
        let reply = try await peer.call(timeout: Self.taskCallTimeout ?? callTimeout) { call in
            ActorEnvelope(kind: .resolve, call: call, target: name)
        }
        if reply.kind == .throw { throw rebuild(reply, codec: peer.codec, actor: nil) }
        let id: GIPCActorID
        do {
            id = try peer.codec.decode(GIPCActorID.self, from: reply.value ?? [])
        } catch {
            throw GIPCActorError(.protocolViolation, "the peer answered with no actor identity: \(error)")
        }
        guard id.node == peer.node else {
            throw GIPCActorError(.protocolViolation, "the peer named an actor of another node", actor: id)
        }
        return try A.resolve(id: id, using: self)
    }

    /// Exchanges `hello` envelopes over a new socket connection and starts talking to the system at its other end.
    /// - Throws: ``GIPCActorError`` with ``GIPCActorError/Code/protocolViolation`` (no `hello`, or a node this system
    ///   knows already), ``GIPCActorError/Code/transportFailure``, ``GIPCActorError/Code/shutDown``.
    func greet(over channel: ActorSocketChannel, timeout: Duration) async throws -> ActorPeer {
        func fail(_ error: GIPCActorError) -> GIPCActorError {
            _ = channel.closeSending()
            _ = channel.closeReceiving()
            return error
        }
        let hello: ActorEnvelope
        do {
            try await channel.pipe.put(
                ActorEnvelope(kind: .hello, call: 0, actor: GIPCActorID(node: node, number: 0)), timeout: timeout)
            hello = try await channel.pipe.get(timeout: timeout)
        } catch let error as GIPCError where error.code == .codecFailure || error.code == .corruptStream {
            throw fail(GIPCActorError(.protocolViolation, "the peer is no actor system: \(error)", underlying: error))
        } catch {
            throw fail(
                GIPCActorError(.transportFailure, "the greeting failed: \(error)", underlying: error))
        }
        guard hello.kind == .hello, let peerNode = hello.actor?.node else {
            throw fail(GIPCActorError(.protocolViolation, "the peer's first envelope is '\(hello.kind.rawValue)'"))
        }
        let known = state.withLock { state -> GIPCActorError? in
            if state.isShutDown { return GIPCActorError(.shutDown, "the actor system was shut down") }
            if peerNode == node || state.peers[peerNode] != nil {
                return GIPCActorError(
                    .protocolViolation, "the peer's node \(String(peerNode, radix: 16)) is connected already")
            }
            return nil
        }
        if let known { throw fail(known) }
        return connect(to: peerNode, over: channel, process: nil)
    }

    /// The actor exposed under `name`, for a `resolve` request.
    func exposed(_ name: String) -> GIPCActorID? {
        state.withLock { $0.exposed[name] }
    }
}

/// A listening socket of a ``GIPCActorSystem`` (``GIPCActorSystem/listen(on:authentication:codec:options:)``):
/// every authenticated connection is another process's actor system.
public final class ActorListener: Sendable {
    let socket: SocketListener<ActorEnvelope, ActorEnvelope>
    let accepting = Mutex<Task<Void, Never>?>(nil)

    init(socket: SocketListener<ActorEnvelope, ActorEnvelope>) {
        self.socket = socket
    }

    /// The address the listener is bound to (with the port the system chose for port 0).
    public var address: SocketAddress { socket.address }

    /// Stops accepting and closes the listening socket; connections made already stay.
    public func close() {
        socket.close()
        accepting.withLock { $0 }?.cancel()
    }
}

/// A socket connection to another process's actor system (``GIPCActorSystem/connect(to:authentication:codec:options:)``).
public final class ActorConnection: Sendable {
    let peer: ActorPeer

    init(peer: ActorPeer) {
        self.peer = peer
    }

    /// The node number of the other process's actor system.
    public var node: UInt64 { peer.node }

    /// Waits until the connection has ended.
    /// - Returns: the error that calls to the other system's actors fail with.
    public func termination() async -> GIPCActorError {
        await peer.termination()
    }

    /// Closes the connection: calls in flight and later calls to the other system's actors fail with
    /// ``GIPCActorError/Code/shutDown``, and the other side sees the connection end.
    ///
    /// The sending direction closes at once; the other side then ends its half. If it has not done so within
    /// `gracePeriod` (a peer that hangs), this side stops reading and closes its half itself.
    /// - Parameter gracePeriod: how long to wait for the other side to end the connection (default 5 s).
    public func close(gracePeriod: Duration = .seconds(5)) async {
        peer.beginShutdown()
        let ended = await withTaskGroup(of: Bool.self) { group in
            group.addTask { [peer] in
                await peer.readerFinished()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: gracePeriod)
                return false
            }
            let first = await group.next() ?? true
            group.cancelAll()
            if !first { peer.stopReading() }
            await group.waitForAll()
            return first
        }
        if !ended { await peer.readerFinished() }
    }
}

extension SocketListener {
    /// The connections that pass the handshake, until the listener is closed (or fails).
    func connections() -> AsyncStream<DuplexPipe<Outgoing, Incoming>> {
        AsyncStream { continuation in
            let task = Task {
                while let connection = try? await self.accept() {
                    continuation.yield(connection)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
