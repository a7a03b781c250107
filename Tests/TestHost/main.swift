import GIPCActors
import GIPCActorsTestEntries
import GIPCKit
import GIPCTestEntries

// Hosts the entries that the GIPCKit tests start in children, and the actors that the GIPCActors tests host.
await GIPC.bootstrap(TestEntries.all + TestActors.entries, actors: TestActors.all)
print("gipc-test-host: run by the GIPCKit tests as a child; it has nothing to do on its own")
