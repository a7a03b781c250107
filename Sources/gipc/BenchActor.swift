import Distributed
import GIPCActors

/// The actor of the `actor` workload, hosted in a child: it sends back what it is given.
distributed actor BenchActor: HostableActor {
    typealias ActorSystem = GIPCActorSystem

    init(actorSystem: GIPCActorSystem) {
        self.actorSystem = actorSystem
    }

    distributed func echo(_ payload: [UInt8]) -> [UInt8] { payload }
}
