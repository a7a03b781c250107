import Distributed
import GIPCActors

/// Lives in a child process: its distributed methods run there.
distributed actor Counter: HostableActor {
    typealias ActorSystem = GIPCActorSystem
    private var count = 0

    init(actorSystem: GIPCActorSystem) {
        self.actorSystem = actorSystem
    }

    distributed func add(_ step: Int) -> Int {
        count += step
        return count
    }
}

// First statement of the program: in a hosting child, this serves actors until the parent is done, then exits.
await GIPC.bootstrap(actors: [Counter.self])

let system = GIPCActorSystem()  // MessagePack on the wire
let counter = try await system.host(Counter.self, name: "counter")
print(try await counter.add(2), try await counter.add(3))  // 2 5
await system.shutdown()  // the child is stopped and reaped
