import GIPCActors
import GIPCActorsTestEntries
import GIPCKit
import GIPCTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ActorTests {
    @Suite("shutdown and leaks")
    struct ShutdownTests {
        @Test("shutdown with calls in flight fails them with shutDown, stops and reaps every child")
        func shutdownInFlight() async throws {
            let system = GIPCActorSystem()
            let first = try await system.host(Worker.self, host: TestHost.path, standardError: .capture)
            let child = try await system.spawnHost(host: TestHost.path)
            let second = try await system.host(Worker.self, in: child)
            let pids = [try await first.processID(), try await second.processID()]
            let calls = (0..<50).map { index in
                Task { try await (index.isMultiple(of: 2) ? first : second).sleep(milliseconds: 30_000) }
            }
            #expect(await eventually { (try? await first.counts()) != nil })
            let started = ContinuousClock.now
            await system.shutdown(gracePeriod: .seconds(2))
            #expect(ContinuousClock.now - started < .seconds(5))
            for call in calls {
                let error = await actorError { _ = try await call.value }
                #expect(error?.code == .shutDown)
            }
            let later = await actorError { _ = try await first.echo(1) }
            #expect(later?.code == .shutDown)
            for pid in pids { #expect(!processExists(pid), "process \(pid) still exists") }
            #expect(child.process.exitStatus != nil)
            let refused = await actorError { _ = try await system.spawnHost(host: TestHost.path) }
            #expect(refused?.code == .shutDown)
            // Shutting down again does nothing more.
            await system.shutdown()
        }

        @Test("hosting, calling, crashing and shutting down leave no descriptor and no process behind")
        func noLeaks() async throws {
            // Warm up: the reactor's and the spawner's descriptors live as long as the process.
            try await withSystem { system in
                _ = try await system.host(Worker.self, host: TestHost.path).echo(0)
            }
            var pids: [Int32] = []
            let leaked = try await descriptorsLeaked(settle: .seconds(10)) {
                for round in 0..<5 {
                    try await withSystem { system in
                        let worker = try await system.host(Worker.self, host: TestHost.path, standardError: .capture)
                        let listener = Listener(actorSystem: system)
                        let relay = try await system.host(Relay.self, host: TestHost.path)
                        pids.append(try await worker.processID())
                        pids.append(try await relay.processID())
                        #expect(try await relay.forward([round], to: listener) == round * 10)
                        if round.isMultiple(of: 2) {
                            _ = try? await worker.crash(afterMilliseconds: 0, signal: SIGKILL, code: 0)
                        } else {
                            _ = Task { try await worker.sleep(milliseconds: 30_000) }
                        }
                    }
                }
            }
            #expect(leaked.isEmpty, "descriptors left open: \(leaked)")
            for pid in pids { #expect(!processExists(pid), "process \(pid) still exists") }
        }
    }
}
