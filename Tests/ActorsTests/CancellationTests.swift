import GIPCActors
import GIPCActorsTestEntries
import GIPCKit
import Testing

extension ActorTests {
    @Suite("cancellation and timeouts")
    struct CancellationTests {
        @Test("cancelling the calling task fails the call at once and cancels its task in the child")
        func cancellation() async throws {
            try await withSystem { system in
                let worker = try await system.host(Worker.self, host: TestHost.path)
                let call = Task { try await worker.sleep(milliseconds: 30_000) }
                // The call is running in the child before it is cancelled.
                #expect(await eventually { (try? await worker.counts()) != nil })
                try await Task.sleep(for: .milliseconds(100))
                let started = ContinuousClock.now
                call.cancel()
                await #expect(throws: CancellationError.self) { _ = try await call.value }
                #expect(ContinuousClock.now - started < .seconds(2))
                #expect(await eventually { (try? await worker.counts()) == [1, 0] })
                // The actor goes on serving.
                #expect(try await worker.sleep(milliseconds: 1) == 1)
                #expect(try await worker.counts() == [1, 1])
            }
        }

        @Test("a call's timeout fails it with timedOut and cancels its task in the child")
        func timeout() async throws {
            try await withSystem { system in
                let worker = try await system.host(Worker.self, host: TestHost.path)
                let started = ContinuousClock.now
                let error = await actorError {
                    _ = try await GIPCActorSystem.withCallTimeout(.milliseconds(200)) {
                        try await worker.sleep(milliseconds: 30_000)
                    }
                }
                #expect(error?.code == .timedOut)
                #expect(error?.actor == worker.id)
                #expect(ContinuousClock.now - started < .seconds(5))
                #expect(await eventually { (try? await worker.counts()) == [1, 0] })
                // A call that completes within its timeout is not affected.
                let quick = try await GIPCActorSystem.withCallTimeout(.seconds(10)) {
                    try await worker.sleep(milliseconds: 5)
                }
                #expect(quick == 5)
            }
        }

        @Test("the system's callTimeout applies to every call")
        func systemTimeout() async throws {
            try await withSystem(callTimeout: .milliseconds(300)) { system in
                let worker = try await system.host(Worker.self, host: TestHost.path)
                #expect(try await worker.echo(3) == 3)
                let error = await actorError { _ = try await worker.sleep(milliseconds: 30_000) }
                #expect(error?.code == .timedOut)
            }
        }
    }
}
