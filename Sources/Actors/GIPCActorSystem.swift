public import Distributed
public import GIPCKit
import Synchronization

/// A `DistributedActorSystem` whose actors live in child processes started by GIPCKit.
///
/// Each process has one system (or more). The parent makes one, starts children that host actors
/// (``spawnHost(name:daemon:codec:host:environment:standardOutput:standardError:)``, ``host(_:in:)``), and calls
/// their distributed methods; a hosted actor calls back into the parent's actors through the references it is
/// given. Arguments, results and `Codable` errors travel in the system's codec (MessagePack unless chosen
/// otherwise); see docs/ACTORS.md for the envelopes on the wire.
///
/// ```swift
/// let system = GIPCActorSystem()
/// let counter = try await system.host(Counter.self)
/// print(try await counter.increment(by: 2))  // runs in the child
/// await system.shutdown()
/// ```
///
/// When a hosting child dies, every pending and later call to its actors fails at once with
/// ``GIPCActorError/Code/hostExited`` and the child's exit status. Cancelling a calling task cancels the remote
/// call's task; ``withCallTimeout(_:isolation:_:)`` and `callTimeout` bound a call's duration. ``shutdown(gracePeriod:)``
/// stops every child as `GIPC.withChild` does.
public final class GIPCActorSystem: DistributedActorSystem, Sendable {
    public typealias ActorID = GIPCActorID
    public typealias InvocationEncoder = GIPCInvocationEncoder
    public typealias InvocationDecoder = GIPCInvocationDecoder
    public typealias ResultHandler = GIPCResultHandler
    public typealias SerializationRequirement = Codable

    /// This system's node number, the ``GIPCActorID/node`` of its actors.
    public let node: UInt64
    /// The codec of the children this system starts, unless one is chosen per child.
    public let codec: any MessageCodec
    /// The timeout of every remote call made without ``withCallTimeout(_:isolation:_:)``; `nil` for none.
    public let callTimeout: Duration?

    /// An actor of this system: held weakly when the user made it, strongly when a peer asked for it (a hosted
    /// actor lives as long as its system).
    struct LocalActor {
        weak var actor: (any DistributedActor)?
        var retained: (any DistributedActor)?
    }

    struct State {
        var nextNumber: UInt64 = 1
        var local: [UInt64: LocalActor] = [:]
        var peers: [UInt64: ActorPeer] = [:]
        /// Connections that ended, by node: what later calls to their actors fail with.
        var ended: [UInt64: GIPCActorError] = [:]
        var isShutDown = false
        /// The hosting children this system started.
        var children: [ActorHostProcess] = []
        /// The actors peers may resolve by name (``expose(_:as:)``).
        var exposed: [String: GIPCActorID] = [:]
        /// The sockets this system listens on.
        var listeners: [ActorListener] = []
    }

    let state = Mutex(State())

    /// How long the reader of a hosting child's pipes (in the parent and in the child) keeps reading an empty pipe
    /// before it suspends: 250 microseconds where more than one CPU is online, else zero.
    ///
    /// A call's answer, and a caller's next call, mostly arrive within that time, and a reader that is still
    /// reading takes them without the reactor's wake-up and a pool thread's resumption, each of which costs
    /// about 100 microseconds on an idle virtual machine (its CPU has to be woken as well). The pipe default
    /// (``/GIPCTransport/PipeOptions/defaultSpin``, 50 microseconds) is shorter than a call's round trip, so each
    /// side would give up just before the other answers. Measured with `gipc bench --workload actor` (one caller):
    /// p50 about 250 us with the default, 40–60 us with this. The price: up to this much CPU time per side each
    /// time a connection falls idle.
    static let hostPipeSpin: Duration = PipeOptions.defaultSpin == .zero ? .zero : .microseconds(250)

    /// Creates a system.
    /// - Parameters:
    ///   - codec: the codec of arguments, results and envelopes for the children it starts (default MessagePack).
    ///     Actor references inside arguments and results need the MessagePack or JSON codec.
    ///   - callTimeout: how long any remote call may take; `nil` (the default) for no limit.
    public convenience init(codec: any MessageCodec = MessagePackCodec(), callTimeout: Duration? = nil) {
        self.init(node: UInt64.random(in: 1...UInt64.max), codec: codec, callTimeout: callTimeout)
    }

    init(node: UInt64, codec: any MessageCodec, callTimeout: Duration? = nil) {
        self.node = node
        self.codec = codec
        self.callTimeout = callTimeout
    }

    // MARK: DistributedActorSystem

    /// The local actor with this identity, or `nil` when it lives in a connected process (a proxy is made).
    /// - Throws: ``GIPCActorError/Code/unknownActor`` when no local actor has this identity (or not of this type) or
    ///   no connected process hosts it.
    public func resolve<Act>(id: ActorID, as actorType: Act.Type) throws -> Act?
    where Act: DistributedActor, Act.ID == ActorID {
        if id.node == node {
            guard let actor = localActor(id) else {
                throw GIPCActorError(.unknownActor, "no actor \(id.number) lives in this process", actor: id)
            }
            guard let typed = actor as? Act else {
                throw GIPCActorError(
                    .unknownActor, "actor \(id.number) is a \(type(of: actor)), not a \(Act.self)", actor: id)
            }
            return typed
        }
        guard state.withLock({ $0.peers[id.node] != nil || $0.ended[id.node] != nil }) else {
            throw GIPCActorError(
                .unknownActor, "no process hosting node \(String(id.node, radix: 16)) is connected to this one",
                actor: id)
        }
        return nil
    }

    /// A new identity for an actor made in this process.
    public func assignID<Act>(_ actorType: Act.Type) -> ActorID where Act: DistributedActor, Act.ID == ActorID {
        let number = state.withLock { state in
            defer { state.nextNumber += 1 }
            return state.nextNumber
        }
        return GIPCActorID(node: node, number: number)
    }

    /// Records a local actor so that calls from other processes reach it.
    public func actorReady<Act>(_ actor: Act) where Act: DistributedActor, Act.ID == ActorID {
        state.withLock { $0.local[actor.id.number] = LocalActor(actor: actor) }
    }

    /// Forgets a local actor that is going away.
    public func resignID(_ id: ActorID) {
        state.withLock { _ = $0.local.removeValue(forKey: id.number) }
    }

    /// A fresh encoder for one remote call.
    public func makeInvocationEncoder() -> InvocationEncoder {
        GIPCInvocationEncoder()
    }

    // MARK: Internals

    func localActor(_ id: ActorID) -> (any DistributedActor)? {
        state.withLock { state in
            guard let entry = state.local[id.number] else { return nil }
            return entry.retained ?? entry.actor
        }
    }

    /// Keeps `actor` alive for as long as this system runs (an actor made at a peer's request).
    func retain(_ actor: any DistributedActor, id: ActorID) {
        state.withLock { $0.local[id.number, default: LocalActor()].retained = actor }
    }

    func peer(for node: UInt64) -> ActorPeer? {
        state.withLock { $0.peers[node] }
    }

    /// Starts talking to the system `node` over `channel`; `process` is the peer's process when it is a child.
    @discardableResult
    func connect(to node: UInt64, over channel: any ActorChannel, process: ChildProcess?) -> ActorPeer {
        let peer = ActorPeer(system: self, node: node, channel: channel, process: process)
        state.withLock { $0.peers[node] = peer }
        peer.start()
        return peer
    }

    /// `codec` with this system in its `userInfo`, so that actor references inside arguments and results resolve
    /// (MessagePack and JSON; other codecs as they are).
    func resolving(_ codec: any MessageCodec) -> any MessageCodec {
        switch codec {
        case var codec as MessagePackCodec:
            codec.userInfo[.actorSystemKey] = self
            return codec
        case var codec as JSONCodec:
            codec.userInfo[.actorSystemKey] = self
            return codec
        default:
            return codec
        }
    }
}
