import GIPCActors
import GIPCActorsTestEntries

// Hosts the actors (and the entries) that the GIPCActors tests start in children.
await GIPC.bootstrap(TestActors.entries, actors: TestActors.all)
print("gipc-actors-test-host: run by the GIPCActors tests as a child; it has nothing to do on its own")
