import GIPCKit
import GIPCTestEntries

// Hosts the entries that the GIPCKit tests start in children.
await GIPC.bootstrap(TestEntries.all)
print("gipc-test-host: run by the GIPCKit tests as a child; it has nothing to do on its own")
