import GIPCActors
import GIPCActorsTestEntries
import GIPCKit
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ActorTests {
    @Suite("a hosting child that dies")
    struct CrashTests {
        @Test(
            "pending calls fail at once with the exit status, later calls too; nothing hangs",
            arguments: [(SIGKILL, 0), (SIGABRT, 0), (0, 3)] as [(Int32, Int32)])
        func crashMidCall(signal: Int32, code: Int32) async throws {
            try await withSystem { system in
                let child = try await system.spawnHost(host: TestHost.path, standardError: .capture)
                let worker = try await system.host(Worker.self, in: child)
                let calculator = try await system.host(Calculator.self, in: child)
                // Calls in flight on both actors of the child when it dies.
                let pending = (0..<20).map { index in
                    Task { try await worker.sleep(milliseconds: 30_000 + index) }
                }
                let pendingOther = Task { try await calculator.identity(1) }
                _ = try await calculator.add(1, 1)
                let started = ContinuousClock.now
                let crash = await actorError {
                    _ = try await worker.crash(afterMilliseconds: 50, signal: signal, code: code)
                }
                let expected: GIPCKit.ExitStatus = signal > 0 ? .signaled(signal) : .exited(code)
                #expect(crash?.code == .hostExited)
                #expect(crash?.exitStatus == expected)
                #expect(crash?.pid == child.process.pid)
                #expect(crash?.standardErrorTail?.contains("worker: about to crash") == true)
                for task in pending {
                    let error = await actorError { _ = try await task.value }
                    #expect(error?.code == .hostExited)
                    #expect(error?.exitStatus == expected)
                }
                _ = try? await pendingOther.value
                #expect(ContinuousClock.now - started < .seconds(10))
                let later = await actorError { _ = try await calculator.add(2, 2) }
                #expect(later?.code == .hostExited)
                #expect(later?.exitStatus == expected)
                #expect(later?.actor == calculator.id)
                let watched = await system.termination(of: worker)
                #expect(watched.exitStatus == expected)
                #expect(child.process.exitStatus == expected)
            }
        }

        @Test("watch tells when the actor's process ended")
        func watch() async throws {
            try await withSystem { system in
                let worker = try await system.host(Worker.self, host: TestHost.path)
                let seen = Seen()
                system.watch(worker) { error in seen.set(error) }
                let pid = try await worker.processID()
                kill(pid, SIGKILL)
                #expect(await eventually { seen.value != nil })
                #expect(seen.value?.code == .hostExited)
                #expect(seen.value?.exitStatus == .signaled(SIGKILL))
                // Watching an actor whose process ended already returns at once.
                let again = await system.termination(of: worker)
                #expect(again.exitStatus == .signaled(SIGKILL))
            }
        }
    }
}

/// What a watch handler saw.
final class Seen: Sendable {
    private let error = Mutex<GIPCActorError?>(nil)
    var value: GIPCActorError? { error.withLock { $0 } }
    func set(_ value: GIPCActorError) { error.withLock { $0 = value } }
}
