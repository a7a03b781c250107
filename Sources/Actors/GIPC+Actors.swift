public import GIPCKit

extension GIPC {
    /// Lists this program's entries and the actor types its children may host, and, when the program was started
    /// as a child, runs the requested entry (or hosts actors) and exits.
    ///
    /// Call it first thing in `main` instead of ``/GIPCKit/GIPC/bootstrap(_:)``:
    /// ```swift
    /// await GIPC.bootstrap([Indexer.self], actors: [Counter.self, Store.self])
    /// ```
    /// A child started by ``GIPCActorSystem/spawnHost(name:daemon:codec:host:environment:standardOutput:standardError:)``
    /// runs an actor system connected to its parent until the parent closes the connection, then exits with
    /// status 0.
    /// - Parameters:
    ///   - entries: every entry a child of this program may run.
    ///   - actors: every actor type a child of this program may host.
    public static func bootstrap(_ entries: [any ChildEntry.Type] = [], actors: [any HostableActor.Type]) async {
        HostableActorRegistry.register(actors)
        await bootstrap(entries + [ActorHostEntry.self])
    }
}

/// The entry a hosting child runs: an actor system connected to the parent's through `channel`.
struct ActorHostEntry: ChildEntry {
    struct Arguments: Codable, Sendable {
        var channel: DuplexPipe<ActorEnvelope, ActorEnvelope>
        /// The parent system's node.
        var parentNode: UInt64
        /// This child's system's node, chosen by the parent.
        var node: UInt64
    }

    static var entryName: String { "GIPCActors.host" }

    static func main(_ arguments: Arguments) async throws {
        let system = GIPCActorSystem(node: arguments.node, codec: arguments.channel.codec)
        let parent = system.connect(
            to: arguments.parentNode, over: try ActorHostChannel(arguments.channel), process: nil)
        _ = await parent.termination()
        await system.shutdown(gracePeriod: .seconds(2))
    }
}
