import GIPCKit
import Testing

@testable import GIPCTestEntries

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// Each child leads its own process group; `signalGroup` and `stop(gracePeriod:)` reach the whole group.
    @Suite("Process groups and stopping", .timeLimit(.minutes(1)))
    struct ProcessGroups {
        @Test("a child leads its own process group, on both spawn paths", arguments: [false, true])
        func childLeadsItsOwnGroup(daemon: Bool) async throws {
            let child = try await GIPC.start(executable: "/bin/sleep", arguments: ["30"], daemon: daemon)
            #expect(getpgid(child.pid) == child.pid)
            #expect(getpgid(child.pid) != getpgrp())
            #expect(await child.stop(gracePeriod: .seconds(5)) == .signaled(SIGTERM))

            let entry = try await GIPC.start(ReadySleeper.self, .init(seconds: 30), standardOutput: .capture)
            #expect(await nextLine(entry.standardOutput) == "ready")
            #expect(getpgid(entry.pid) == entry.pid)
            #expect(await entry.stop() == .signaled(SIGTERM))
        }

        @Test("signalGroup reaches processes the child started; after the child is reaped it does nothing")
        func signalGroupReachesGrandchildren() async throws {
            let child = try await GIPC.start(
                GrandchildStarter.self, .init(grandchildIgnoresTerm: false, ignoresTerm: true), standardOutput: .capture
            )
            let grandchild = try #require(Int32(await nextLine(child.standardOutput) ?? ""))
            #expect(getpgid(grandchild) == child.pid)
            #expect(await gipcError { try child.signalGroup(12345) }?.code == .invalidArgument)
            try child.signalGroup(SIGTERM)
            #expect(await eventually { isGone(grandchild) })
            #expect(child.isAlive)  // it ignores SIGTERM
            #expect(await child.stop(gracePeriod: .milliseconds(100)) == .signaled(SIGKILL))
            try child.signalGroup(SIGTERM)
            try child.signalGroup(12345)
        }

        @Test("stop: a child that exits on SIGTERM is not kept for the grace period")
        func stopChildThatExitsOnTerm() async throws {
            let child = try await GIPC.start(ReadySleeper.self, .init(seconds: 60), standardOutput: .capture)
            #expect(await nextLine(child.standardOutput) == "ready")
            let (status, elapsed) = await measure { await child.stop(gracePeriod: .seconds(30)) }
            #expect(status == .signaled(SIGTERM))
            #expect(elapsed < .seconds(10))
            #expect(!child.isAlive)
            #expect(!zombieChildren().contains(child.pid))
        }

        @Test("stop: a child that ignores SIGTERM gets SIGKILL after the grace period")
        func stopChildThatIgnoresTerm() async throws {
            let child = try await GIPC.start(TermIgnorer.self, .init(seconds: 60), standardOutput: .capture)
            #expect(await nextLine(child.standardOutput) == "ready")
            let (status, elapsed) = await measure { await child.stop(gracePeriod: .milliseconds(300)) }
            #expect(status == .signaled(SIGKILL))
            #expect(elapsed >= .milliseconds(300))
        }

        @Test("stop kills a grandchild that ignores SIGTERM when the child exits, without waiting for the grace period")
        func stopKillsLingeringGrandchild() async throws {
            let child = try await GIPC.start(
                GrandchildStarter.self, .init(grandchildIgnoresTerm: true), standardOutput: .capture)
            let grandchild = try #require(Int32(await nextLine(child.standardOutput) ?? ""))
            // Once it runs `sleep`, the shell's trap is in place: SIGTERM is ignored.
            #expect(await eventually { commandName(grandchild) == "sleep" })
            let (status, elapsed) = await measure { await child.stop(gracePeriod: .seconds(30)) }
            #expect(status == .signaled(SIGTERM))
            #expect(elapsed < .seconds(10))
            #expect(await eventually { isGone(grandchild) })
        }

        @Test("stop completes in a cancelled task, and after the child exited returns its status")
        func stopInCancelledTask() async throws {
            let child = try await GIPC.start(TermIgnorer.self, .init(seconds: 60), standardOutput: .capture)
            #expect(await nextLine(child.standardOutput) == "ready")
            let stopping = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return await child.stop(gracePeriod: .milliseconds(200))
            }
            stopping.cancel()
            #expect(await stopping.value == .signaled(SIGKILL))

            let done = try await GIPC.start(executable: "/bin/sh", arguments: ["-c", "exit 3"])
            #expect(try await done.join() == .exited(3))
            #expect(await done.stop() == .exited(3))
        }
    }
}
