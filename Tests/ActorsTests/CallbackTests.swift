import Distributed
import GIPCActors
import GIPCActorsTestEntries
import GIPCKit
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ActorTests {
    @Suite("callbacks and several actors per child")
    struct CallbackTests {
        @Test("an actor in a child calls back into an actor of the parent", arguments: [0, 1])
        func callback(codecIndex: Int) async throws {
            let codec: any MessageCodec = codecIndex == 0 ? MessagePackCodec() : JSONCodec()
            try await withSystem(codec: codec) { system in
                let listener = Listener(actorSystem: system)
                let relay = try await system.host(Relay.self, host: TestHost.path)
                #expect(try await relay.forward([1, 2, 3], to: listener) == 60)
                #expect(try await listener.recorded() == [1, 2, 3])
                // An actor reference comes back as a result, and resolves to the local actor.
                let bounced = try await relay.bounce(listener)
                #expect(bounced.id == listener.id)
                #expect(__isLocalActor(bounced))
                // References nested in a collection.
                let other = Listener(actorSystem: system)
                _ = try await other.record(9)
                #expect(try await relay.countAll([listener, other, listener]) == 7)
                // Many concurrent callbacks.
                let sums = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<100 { group.addTask { try await relay.forward([index], to: other) } }
                    return try await group.reduce(0, +)
                }
                #expect(sums == (0..<100).reduce(0, +) * 10)
                #expect(try await other.recorded().count == 101)
            }
        }

        @Test("one child hosts several actors of several types")
        func severalActorsInOneChild() async throws {
            try await withSystem { system in
                let child = try await system.spawnHost(host: TestHost.path)
                let calculator = try await system.host(Calculator.self, in: child)
                let worker = try await system.host(Worker.self, in: child)
                let relay = try await system.host(Relay.self, in: child)
                let second = try await system.host(Calculator.self, in: child)
                let pids = [
                    try await calculator.processID(), try await worker.processID(), try await relay.processID(),
                    try await second.processID(),
                ]
                #expect(Set(pids) == [child.process.pid])
                #expect(Set([calculator.id, worker.id, relay.id, second.id]).count == 4)
                #expect(system.hostProcess(of: worker) === child)
                try await calculator.accumulate(4)
                #expect(try await second.currentTotal() == 0)
                #expect(try await calculator.currentTotal() == 4)
            }
        }

        @Test("an identity that no connected process hosts is unknownActor")
        func unknownActor() async throws {
            try await withSystem { system in
                let stranger = GIPCActorID(node: 12345, number: 1)
                #expect(throws: GIPCActorError.self) { _ = try Worker.resolve(id: stranger, using: system) }
                let local = GIPCActorID(node: system.node, number: 999_999)
                #expect(throws: GIPCActorError.self) { _ = try Worker.resolve(id: local, using: system) }
            }
        }
    }
}
