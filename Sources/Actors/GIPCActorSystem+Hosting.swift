public import Distributed
public import GIPCKit
import Synchronization

extension GIPCActorSystem {
    /// Starts a child process that hosts actors of this system, with the options of `GIPC.start`.
    ///
    /// The child runs this program (or `host`), whose bootstrap must list the actor types it is asked to host
    /// (``GIPCKit/GIPC/bootstrap(_:actors:)``). It lives until ``shutdown(gracePeriod:)`` or ``ActorHostProcess/stop(gracePeriod:)``.
    /// - Parameters:
    ///   - name: the process's `argv[0]`; default: "<file name of the host program>: GIPCActors.host".
    ///   - daemon: if `true`, the child is killed when this process dies.
    ///   - codec: the codec of the child's envelopes, arguments and results; default: the system's.
    ///   - host: the program to start instead of `GIPC.entryHost`.
    ///   - environment: the child's environment; default: this process's.
    ///   - standardOutput: where the child's standard output goes; default: where this process's goes.
    ///   - standardError: where the child's standard error goes; default: where this process's goes. With
    ///     `.capture`, errors about the child's end carry its last lines.
    /// - Returns: the hosting child.
    /// - Throws: ``GIPCActorError`` with ``GIPCActorError/Code/shutDown`` after ``shutdown(gracePeriod:)``,
    ///   ``GIPCActorError/Code/transportFailure`` when the child cannot start (``GIPCActorError/underlying`` holds
    ///   GIPCKit's error: ``/GIPCKit/GIPCError/Code/spawnFailed``, ``/GIPCKit/GIPCError/Code/entryNotFound``, …); `CancellationError`.
    public func spawnHost(
        name: String? = nil,
        daemon: Bool = false,
        codec: (any MessageCodec)? = nil,
        host: String? = nil,
        environment: ChildEnvironment = .inherit,
        standardOutput: ChildOutput = .inherit,
        standardError: ChildOutput = .inherit
    ) async throws -> ActorHostProcess {
        try checkRunning()
        let (mine, theirs): (DuplexPipe<ActorEnvelope, ActorEnvelope>, DuplexPipe<ActorEnvelope, ActorEnvelope>)
        do {
            (mine, theirs) = try GIPC.duplexPipe(
                codec: codec ?? self.codec, options: PipeOptions(spinBeforeWaiting: Self.hostPipeSpin))
        } catch {
            throw GIPCActorError(.transportFailure, "cannot make the child's pipes: \(error)", underlying: error)
        }
        let childNode = UInt64.random(in: 1...UInt64.max)
        let process: ChildProcess
        do {
            process = try await GIPC.start(
                ActorHostEntry.self, .init(channel: theirs, parentNode: node, node: childNode), name: name,
                daemon: daemon, host: host, environment: environment, standardOutput: standardOutput,
                standardError: standardError)
        } catch {
            _ = mine.closeSending()
            _ = mine.closeReceiving()
            _ = theirs.closeSending()
            _ = theirs.closeReceiving()
            if error is CancellationError { throw error }
            throw GIPCActorError(.transportFailure, "cannot start a hosting child: \(error)", underlying: error)
        }
        let peer = connect(to: childNode, over: mine, process: process)
        let child = ActorHostProcess(process: process, node: childNode, peer: peer)
        let refused = state.withLock { state -> Bool in
            guard !state.isShutDown else { return true }
            state.children.append(child)
            return false
        }
        if refused {
            await child.stop(gracePeriod: .zero)
            throw GIPCActorError(.shutDown, "the actor system was shut down")
        }
        return child
    }

    /// Makes an actor of type `type` in `child` and returns a reference to it.
    /// - Parameters:
    ///   - type: the actor type; the child program's bootstrap must list it.
    ///   - child: the hosting child.
    /// - Returns: the reference; its distributed methods run in the child.
    /// - Throws: ``GIPCActorError`` with ``GIPCActorError/Code/notRegistered``, ``GIPCActorError/Code/hostExited``,
    ///   ``GIPCActorError/Code/shutDown``, ``GIPCActorError/Code/timedOut``; `CancellationError`.
    public func host<A: HostableActor>(_ type: A.Type, in child: ActorHostProcess) async throws -> A {
        let peer = child.peer
        let reply = try await peer.call(timeout: Self.taskCallTimeout ?? callTimeout) { call in
            ActorEnvelope(kind: .host, call: call, target: A.hostingName)
        }
        if reply.kind == .throw { throw rebuild(reply, codec: peer.codec, actor: nil) }
        let id: GIPCActorID
        do {
            id = try peer.codec.decode(GIPCActorID.self, from: reply.value ?? [])
        } catch {
            throw GIPCActorError(.protocolViolation, "the child answered with no actor identity: \(error)")
        }
        guard id.node == child.node else {
            throw GIPCActorError(.protocolViolation, "the child made an actor of another node", actor: id)
        }
        return try A.resolve(id: id, using: self)
    }

    /// Starts a child process that hosts one actor of type `type`, with the options of `GIPC.start`.
    /// - Parameters:
    ///   - type: the actor type; the child program's bootstrap must list it.
    ///   - name: the process's `argv[0]`.
    ///   - daemon: if `true`, the child is killed when this process dies.
    ///   - codec: the codec of the child's calls; default: the system's.
    ///   - host: the program to start instead of `GIPC.entryHost`.
    ///   - environment: the child's environment.
    ///   - standardOutput: where the child's standard output goes.
    ///   - standardError: where the child's standard error goes.
    /// - Returns: the reference to the actor.
    /// - Throws: what ``spawnHost(name:daemon:codec:host:environment:standardOutput:standardError:)`` and
    ///   ``host(_:in:)`` throw (the child is stopped when making the actor fails).
    public func host<A: HostableActor>(
        _ type: A.Type,
        name: String? = nil,
        daemon: Bool = false,
        codec: (any MessageCodec)? = nil,
        host: String? = nil,
        environment: ChildEnvironment = .inherit,
        standardOutput: ChildOutput = .inherit,
        standardError: ChildOutput = .inherit
    ) async throws -> A {
        let child = try await spawnHost(
            name: name, daemon: daemon, codec: codec, host: host, environment: environment,
            standardOutput: standardOutput, standardError: standardError)
        do {
            return try await self.host(type, in: child)
        } catch {
            await child.stop(gracePeriod: .seconds(1))
            throw error
        }
    }

    /// The child hosting `actor`, when it is a child of this system.
    /// - Parameter actor: a reference to an actor of this system.
    /// - Returns: the hosting child, or `nil` for a local actor or one hosted elsewhere.
    public func hostProcess<A: DistributedActor>(of actor: A) -> ActorHostProcess? where A.ID == ActorID {
        state.withLock { state in state.children.first { $0.node == actor.id.node } }
    }

    /// Waits until the process hosting `actor` has ended (or its connection closed).
    ///
    /// Returns at once for an actor whose process ended already. The waiting task's cancellation ends the wait
    /// with ``GIPCActorError/Code/shutDown``.
    /// - Parameter actor: a reference to a remote actor.
    /// - Returns: the error that calls to the actor fail with; ``GIPCActorError/exitStatus`` says how the process
    ///   ended.
    public func termination<A: DistributedActor>(of actor: A) async -> GIPCActorError where A.ID == ActorID {
        let (peer, ended) = state.withLock { ($0.peers[actor.id.node], $0.ended[actor.id.node]) }
        if let peer { return await peer.termination().about(actor.id) }
        return (ended ?? GIPCActorError(.unknownActor, "the actor is not hosted by a connected process")).about(
            actor.id)
    }

    /// Calls `handler` once the process hosting `actor` has ended (see ``termination(of:)``).
    /// - Parameters:
    ///   - actor: a reference to a remote actor.
    ///   - handler: what to run, with the error that calls to the actor fail with.
    public func watch<A: DistributedActor>(
        _ actor: A, _ handler: @escaping @Sendable (GIPCActorError) async -> Void
    ) where A.ID == ActorID {
        Task { await handler(await self.termination(of: actor)) }
    }

    /// Stops every hosting child, as `GIPC.withChild` does, and fails calls in flight and later calls with
    /// ``GIPCActorError/Code/shutDown``.
    ///
    /// Each child's connection closes first (a child then exits by itself), then it gets SIGTERM to its process
    /// group, `gracePeriod`, SIGKILL, and is reaped before this returns. Connections to processes that are not
    /// children end too. Calling it again does nothing more.
    /// - Parameter gracePeriod: how long each child may take to exit after SIGTERM.
    public func shutdown(gracePeriod: Duration = .seconds(5)) async {
        let (children, peers, listeners) = state.withLock { state in
            state.isShutDown = true
            let children = state.children
            state.children = []
            let listeners = state.listeners
            state.listeners = []
            return (children, Array(state.peers.values), listeners)
        }
        for listener in listeners { listener.close() }
        for peer in peers { peer.beginShutdown() }
        await withTaskGroup(of: Void.self) { group in
            for child in children {
                group.addTask { await child.stop(gracePeriod: gracePeriod) }
            }
        }
        for peer in peers where peer.process == nil { peer.cancelIncoming() }
    }

    func checkRunning() throws {
        if state.withLock({ $0.isShutDown }) { throw GIPCActorError(.shutDown, "the actor system was shut down") }
    }
}
