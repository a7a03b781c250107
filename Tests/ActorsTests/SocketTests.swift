import Foundation
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
    @Suite("actors over an authenticated socket")
    struct SocketTests {
        static let key = Array("actors over sockets".utf8)

        /// Starts an ``ActorServer`` process listening on `address`, runs `body` with it and the address it
        /// reports, then stops it.
        func withServer(
            on address: String, _ body: (ChildProcess, SocketAddress) async throws -> Void
        ) async throws {
            let (mine, theirs) = try GIPC.duplexPipe(sending: String.self, receiving: String.self, codec: .msgpack)
            let server = try await GIPC.start(
                ActorServer.self, .init(address: address, key: Self.key, report: theirs), host: TestHost.path,
                standardError: .capture)
            do {
                let reported = try await mine.get(timeout: .seconds(20))
                try await body(server, try SocketAddress(parsing: reported))
            } catch {
                try? mine.close()
                await server.stop(gracePeriod: .seconds(1))
                throw error
            }
            try? mine.close()
            await server.stop(gracePeriod: .seconds(2))
        }

        @Test(
            "a connected process resolves exposed actors by name and calls them; they call back",
            arguments: ["tcp:127.0.0.1:0", "unix:@gipc-actors-test-\(getpid())"])
        func resolveAndCall(address: String) async throws {
            try await withServer(on: address) { server, address in
                try await withSystem { system in
                    let connection = try await system.connect(to: address, authentication: .key(Self.key))
                    let calculator = try await system.resolve(Calculator.self, named: "calculator", on: connection)
                    let sum = try await calculator.add(40, 2)
                    #expect(sum == 42)
                    let pid = try await calculator.processID()
                    #expect(pid == server.pid)
                    let shipment = Shipment(id: 7, lines: [.init(sku: "a", quantity: 2)], notes: nil, weights: ["a": 1])
                    let shipped = try await calculator.ship(shipment)
                    #expect(shipped.lines.count == 2)
                    do {
                        _ = try await calculator.divide(1, by: 0)
                        Issue.record("divide by zero returned")
                    } catch let error as CalculatorError {
                        #expect(error == CalculatorError(reason: "division by zero", operand: 1))
                    }
                    // The server's actor calls back into an actor of this process.
                    let relay = try await system.resolve(Relay.self, named: "relay", on: connection)
                    let listener = Listener(actorSystem: system)
                    let forwarded = try await relay.forward([1, 2, 3], to: listener)
                    #expect(forwarded == 60)
                    let recorded = try await listener.recorded()
                    #expect(recorded == [1, 2, 3])
                    let unknown = await actorError {
                        _ = try await system.resolve(Calculator.self, named: "nothing", on: connection)
                    }
                    #expect(unknown?.code == .unknownActor)
                    // Many concurrent calls over the one connection.
                    let sums = try await withThrowingTaskGroup(of: Int.self) { group in
                        for index in 0..<200 { group.addTask { try await calculator.add(index, 1) } }
                        return try await group.reduce(0, +)
                    }
                    #expect(sums == (1...200).reduce(0, +))
                }
            }
        }

        @Test("a wrong key is refused with authenticationFailed; the right key then works")
        func wrongKey() async throws {
            try await withServer(on: "tcp:127.0.0.1:0") { _, address in
                try await withSystem { system in
                    let refused = await actorError {
                        _ = try await system.connect(to: address, authentication: .key(Array("wrong".utf8)))
                    }
                    #expect(refused?.code == .authenticationFailed)
                    let connection = try await system.connect(to: address, authentication: .key(Self.key))
                    let calculator = try await system.resolve(Calculator.self, named: "calculator", on: connection)
                    let sum = try await calculator.add(1, 2)
                    #expect(sum == 3)
                }
            }
        }

        @Test("the peer killed mid-call: pending and later calls fail at once with connectionLost")
        func peerKilled() async throws {
            try await withServer(on: "tcp:127.0.0.1:0") { server, address in
                try await withSystem { system in
                    let connection = try await system.connect(to: address, authentication: .key(Self.key))
                    let worker = try await system.resolve(Worker.self, named: "worker", on: connection)
                    let pending = (0..<10).map { index in
                        Task { try await worker.sleep(milliseconds: 30_000 + index) }
                    }
                    _ = try await worker.echo(1)
                    let started = ContinuousClock.now
                    try server.kill()
                    for task in pending {
                        let error = await actorError { _ = try await task.value }
                        #expect(error?.code == .connectionLost)
                    }
                    #expect(ContinuousClock.now - started < .seconds(10))
                    let later = await actorError { _ = try await worker.echo(2) }
                    #expect(later?.code == .connectionLost)
                    #expect(later?.actor == worker.id)
                    let ended = await connection.termination()
                    #expect(ended.code == .connectionLost)
                    let watched = await system.termination(of: worker)
                    #expect(watched.code == .connectionLost)
                }
            }
        }

        @Test("closing a connection whose peer never ends its half returns after the grace period")
        func closeWithHungPeer() async throws {
            let listener = try GIPC.listen(
                on: try SocketAddress(parsing: "tcp:127.0.0.1:0"), sending: ActorEnvelope.self,
                receiving: ActorEnvelope.self, codec: MessagePackCodec(), authentication: .key(Self.key))
            defer { listener.close() }
            // A peer that greets like an actor system, then neither answers nor closes.
            let peer = Task {
                let pipe = try await listener.accept(timeout: .seconds(20))
                _ = try await pipe.get(timeout: .seconds(20))
                try await pipe.put(
                    ActorEnvelope(kind: .hello, call: 0, actor: GIPCActorID(node: 0xfeed, number: 0)),
                    timeout: .seconds(20))
                return pipe
            }
            try await withSystem { system in
                let connection = try await system.connect(to: listener.address, authentication: .key(Self.key))
                let held = try await peer.value
                await connection.close(gracePeriod: .milliseconds(200))
                let ended = await connection.termination()
                #expect(ended.code == .shutDown)
                // The peer sees this side's end of the stream although it never closed its own.
                var end: GIPCError?
                do { _ = try await held.get(timeout: .seconds(10)) } catch { end = error as? GIPCError }
                #expect(end?.code == .endOfStream)
                try? held.close()
            }
        }
    }
}
