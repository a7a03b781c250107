public import Distributed
import Synchronization

/// A distributed actor type that a child process can make on request: list it in the program's bootstrap
/// (``GIPCKit/GIPC/bootstrap(_:actors:)``), then ask the system to host one (``GIPCActorSystem/host(_:in:)``).
///
/// ```swift
/// distributed actor Counter: HostableActor {
///     typealias ActorSystem = GIPCActorSystem
///     private var count = 0
///     init(actorSystem: GIPCActorSystem) { self.actorSystem = actorSystem }
///     distributed func increment(by step: Int) -> Int { count += step; return count }
/// }
/// ```
public protocol HostableActor: DistributedActor where ActorSystem == GIPCActorSystem {
    /// The name parent and child agree on. The default is the type's fully qualified name.
    static var hostingName: String { get }

    /// Makes the actor in the process that hosts it.
    /// - Parameter actorSystem: the hosting process's actor system.
    init(actorSystem: GIPCActorSystem)
}

extension HostableActor {
    public static var hostingName: String { String(reflecting: Self.self) }
}

/// The actor types this program's bootstrap listed, by ``HostableActor/hostingName``.
enum HostableActorRegistry {
    private static let types = Mutex<[String: any HostableActor.Type]>([:])

    static func register(_ list: [any HostableActor.Type]) {
        types.withLock { types in
            for type in list { types[type.hostingName] = type }
        }
    }

    static func type(named name: String) -> (any HostableActor.Type)? {
        types.withLock { $0[name] }
    }

    static var names: [String] { types.withLock { $0.keys.sorted() } }
}
