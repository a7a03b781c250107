import GIPCActors
import GIPCKit

// The first statement: in a child started by `gipc demo`, this runs the requested entry and exits.
await GIPC.bootstrap(DemoEntries.all + BenchEntries.all, actors: [BenchActor.self])
await GIPCCommand.runAsRoot()
