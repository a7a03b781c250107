import GIPCKit
import Synchronization
import Testing

@testable import GIPCTestEntries

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// `GIPC.withChild`: the child, and what it started in its group, never outlive the scope.
    @Suite("Scoped children", .timeLimit(.minutes(1)))
    struct ScopedChildren {
        private struct Failure: Error {}

        /// Keeps what a scope's body saw, for checks after the scope.
        private final class Tally: Sendable {
            private let list = Mutex<[ChildProcess]>([])
            var children: [ChildProcess] { list.withLock { $0 } }
            func add(_ child: ChildProcess) { list.withLock { $0.append(child) } }
        }

        @Test("the body's result comes back; a child that exits on SIGTERM is stopped at the end of the scope")
        func returnsResultAndStopsChild() async throws {
            let (child, line) = try await GIPC.withChild(
                ReadySleeper.self, .init(seconds: 60), standardOutput: .capture, gracePeriod: .seconds(30)
            ) { child in
                (child, await nextLine(child.standardOutput))
            }
            #expect(line == "ready")
            #expect(child.exitStatus == .signaled(SIGTERM))
            #expect(!zombieChildren().contains(child.pid))
        }

        @Test("a child that ignores SIGTERM is killed once the grace period is over")
        func killsChildThatIgnoresTerm() async throws {
            let (child, elapsed) = try await measure {
                try await GIPC.withChild(
                    TermIgnorer.self, .init(seconds: 60), standardOutput: .capture, gracePeriod: .milliseconds(300)
                ) { child in
                    #expect(await nextLine(child.standardOutput) == "ready")
                    return child
                }
            }
            #expect(child.exitStatus == .signaled(SIGKILL))
            #expect(elapsed >= .milliseconds(300))
        }

        @Test("when the body throws, the child is stopped before the error comes out")
        func stopsChildWhenBodyThrows() async throws {
            var seen: ChildProcess? = nil
            await #expect(throws: Failure.self) {
                try await GIPC.withChild(executable: "/bin/sleep", arguments: ["60"], gracePeriod: .seconds(30)) {
                    child in
                    seen = child
                    throw Failure()
                }
            }
            let child = try #require(seen)
            #expect(child.exitStatus == .signaled(SIGTERM))
        }

        @Test("when the task is cancelled, the child is stopped before the scope ends")
        func stopsChildWhenCancelled() async throws {
            let tally = Tally()
            let scope = Task {
                try await GIPC.withChild(
                    TermIgnorer.self, .init(seconds: 60), standardOutput: .capture, gracePeriod: .milliseconds(200)
                ) { child in
                    _ = await nextLine(child.standardOutput)
                    tally.add(child)
                    try await Task.sleep(for: .seconds(60))
                }
            }
            #expect(await eventually { !tally.children.isEmpty })
            scope.cancel()
            await #expect(throws: CancellationError.self) { try await scope.value }
            let child = try #require(tally.children.first)
            #expect(child.exitStatus == .signaled(SIGKILL))
        }

        @Test("a shell's background job is gone after the scope")
        func shellBackgroundJobIsGone() async throws {
            let grandchild = try await GIPC.withChild(
                executable: "/bin/sh", arguments: ["-c", "sleep 1000 & echo $!; wait"], standardOutput: .capture,
                gracePeriod: .seconds(10)
            ) { child in
                let pid = try #require(Int32(await nextLine(child.standardOutput) ?? ""))
                #expect(!isGone(pid))
                #expect(getpgid(pid) == child.pid)
                return pid
            }
            #expect(await eventually { isGone(grandchild) })
        }

        @Test("a grandchild that ignores SIGTERM is gone after the scope", arguments: [false, true])
        func grandchildIgnoringTermIsGone(exitAtOnce: Bool) async throws {
            let grandchild = try await GIPC.withChild(
                GrandchildStarter.self, .init(grandchildIgnoresTerm: true, exitAtOnce: exitAtOnce),
                standardOutput: .capture,
                gracePeriod: .seconds(10)
            ) { child in
                try #require(Int32(await nextLine(child.standardOutput) ?? ""))
            }
            #expect(await eventually { isGone(grandchild) })
        }

        @Test("a child that exits during the scope takes its group with it at once")
        func groupKilledWhenChildExits() async throws {
            try await GIPC.withChild(
                GrandchildStarter.self, .init(grandchildIgnoresTerm: false, exitAtOnce: true), standardOutput: .capture
            ) { child in
                let grandchild = try #require(Int32(await nextLine(child.standardOutput) ?? ""))
                #expect(try await child.join(timeout: .seconds(20)) == .exited(0))
                #expect(await eventually { isGone(grandchild) })
            }
        }

        @Test("a daemon grandchild started with GIPC.start dies with the scoped child")
        func daemonGrandchildDiesWithChild() async throws {
            let (reports, reportSink) = try GIPC.pipe(of: Int32.self)
            let grandchild = try await GIPC.withChild(DaemonParent.self, .init(report: reportSink)) { _ in
                try await reports.get(timeout: .seconds(20))
            }
            #expect(await eventually { isGone(grandchild) })
        }

        @Test("when the child cannot start, the body does not run")
        func bodyDoesNotRunWithoutChild() async throws {
            var ran = false
            let error = await gipcError {
                try await GIPC.withChild(executable: "/nonexistent/program") { _ in ran = true }
            }
            #expect(error?.code == .executableNotFound)
            #expect(!ran)
        }

        @Test("the body runs on the caller's actor")
        func bodyRunsOnCallerActor() async throws {
            let counter = Counter()
            #expect(try await counter.countInScope() == 1)
        }
    }
}

/// An actor whose method opens a scope and changes its own state in the body, synchronously.
private actor Counter {
    var count = 0

    func countInScope() async throws -> Int {
        try await GIPC.withChild(executable: "/bin/true") { child in
            count += 1
            _ = try await child.join()
            return count
        }
    }
}
