import GIPCRuntime
import GIPCTestSupport
import Testing

@testable import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// Exit statuses, joining, terminating and killing (gipc's process lifecycle tests; reliability cases 11, 12).
    @Suite struct Lifecycle {
        @Test(arguments: [Int32(0), 1, 8, 255], [false, true])
        func exitCodeIsExact(code: Int32, daemon: Bool) async throws {
            let child = try await startChild("/bin/sh", ["-c", "exit \(code)"], daemon: daemon)
            let status = try await child.join()
            #expect(status == .exited(code))
            #expect(status.isSuccess == (code == 0))
            #expect(child.exitStatus == .exited(code))
            #expect(child.exitCode == code)
            #expect(!child.isAlive)
        }

        @Test func trueAndFalse() async throws {
            #expect(try await startChild("/bin/true").join() == .exited(0))
            #expect(try await startChild("false").join() == .exited(1))  // found through PATH
        }

        @Test(arguments: [("TERM", SIGTERM), ("KILL", SIGKILL), ("SEGV", SIGSEGV)])
        func signalIsExact(name: String, signal: Int32) async throws {
            let child = try await startChild("/bin/sh", ["-c", "ulimit -c 0; kill -\(name) $$"])
            #expect(try await child.join() == .signaled(signal))
            #expect(child.exitCode == -signal)
            #expect(child.exitStatus?.isSuccess == false)
        }

        @Test func abortIsSignaledSIGABRT() async throws {
            let child = try await startChild(
                "python3", ["-c", "import os, resource; resource.setrlimit(resource.RLIMIT_CORE, (0, 0)); os.abort()"])
            #expect(try await child.join() == .signaled(SIGABRT))
            #expect(child.exitCode == -SIGABRT)
        }

        @Test func joinTimeoutThenTerminate() async throws {
            let child = try await startChild("/bin/sleep", ["30"])
            #expect(child.isAlive)
            #expect(child.exitStatus == nil && child.exitCode == nil)
            let clock = ContinuousClock()
            let start = clock.now
            #expect(try await child.join(timeout: .milliseconds(200)) == nil)
            #expect(clock.now - start >= .milliseconds(200))
            #expect(try await child.join(timeout: .zero) == nil)
            try child.terminate()
            #expect(try await child.join() == .signaled(SIGTERM))
            #expect(child.exitCode == -SIGTERM)
            #expect(!child.isAlive)
        }

        @Test func childIgnoringSIGTERMIsKilled() async throws {
            let clock = ContinuousClock()
            let start = clock.now
            let child = try await startChild("/bin/sh", ["-c", "trap '' TERM; exec sleep 30"])
            // Wait until the shell has installed the trap (SIGTERM is bit 14 of SigIgn), or it would die of it.
            #expect(await eventually { sigIgnoresTERM(child.pid) })
            try child.terminate()
            #expect(try await child.join(timeout: .milliseconds(300)) == nil)
            #expect(child.isAlive)
            try child.kill()
            #expect(try await child.join(timeout: .seconds(5)) == .signaled(SIGKILL))
            #expect(clock.now - start < .seconds(10))
        }

        @Test func exitStatusIsObservableBeforeJoin() async throws {
            let child = try await startChild("/bin/sh", ["-c", "exit 3"])
            #expect(await eventually { !child.isAlive })
            #expect(child.exitStatus == .exited(3))
            #expect(child.exitCode == 3)
            #expect(try await child.join() == .exited(3))
            #expect(try await child.join(timeout: .zero) == .exited(3))
        }

        @Test func manyJoinersGetTheSameStatus() async throws {
            let child = try await startChild("/bin/sh", ["-c", "sleep 0.2; exit 4"])
            let statuses = try await withThrowingTaskGroup(of: ExitStatus?.self) { group in
                for index in 0..<16 {
                    group.addTask {
                        index.isMultiple(of: 2) ? try await child.join() : try await child.join(timeout: .seconds(10))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: ExitStatus?.some(ExitStatus.exited(4)), count: 16))
        }

        @Test func cancelledJoinThrowsAndTheChildIsStillReaped() async throws {
            let child = try await startChild("/bin/sh", ["-c", "sleep 0.3; exit 6"])
            let waiter = Task { try await child.join() }
            try await Task.sleep(for: .milliseconds(50))
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            #expect(try await child.join() == .exited(6))
            #expect(!zombieChildren().contains(child.pid))
        }

        @Test func signalsAfterExitAreIgnored() async throws {
            let child = try await startChild("/bin/true")
            #expect(try await child.join() == .exited(0))
            try child.terminate()
            try child.kill()
            try child.signal(SIGUSR1)
            #expect(child.exitStatus == .exited(0))
        }

        @Test func customSignalAndInvalidSignal() async throws {
            let child = try await startChild("/bin/sleep", ["30"])
            let error = await gipcError { try child.signal(1000) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.errno == EINVAL)
            try child.signal(0)  // only checks that it exists
            #expect(child.isAlive)
            try child.signal(SIGUSR1)
            #expect(try await child.join(timeout: .seconds(5)) == .signaled(SIGUSR1))
        }

        @Test func nameAndDescription() async throws {
            let child = try await startChild(
                "/bin/sh", ["-c", "[ \"$(head -c 14 /proc/$$/cmdline)\" = gipc-test-name ]"], daemon: false,
                name: "gipc-test-name")
            #expect(child.name == "gipc-test-name")
            #expect(!child.isDaemon)
            #expect(try await child.join() == .exited(0))
            #expect(child.description == "ChildProcess(gipc-test-name, pid \(child.pid), exited with code 0)")
            #expect(ExitStatus.signaled(SIGTERM).description == "killed by signal 15 (SIGTERM)")
        }

        /// Where there is no pidfd the monitor polls waitid; drive that path with a child started directly.
        @Test func pollingMonitorWithoutPidfd() async throws {
            for (script, expected) in [("sleep 0.1; exit 5", ExitStatus.exited(5)), ("sleep 30", .signaled(SIGTERM))] {
                let pid = try spawnDirectly(["/bin/sh", "-c", script])
                let monitor = ProcessMonitor.start(pid: pid, pidfd: nil, reactor: try Reactor.running())
                let child = ChildProcess(pid: pid, name: "polled", isDaemon: false, monitor: monitor)
                #expect(try await child.join(timeout: .milliseconds(20)) == nil)
                if expected == .signaled(SIGTERM) { try child.terminate() }
                #expect(try await child.join() == expected)
                #expect(!zombieChildren().contains(pid))
            }
        }
    }
}

/// Whether process `pid` ignores SIGTERM, from /proc/<pid>/status.
func sigIgnoresTERM(_ pid: Int32) -> Bool {
    guard let mask = statusMask("SigIgn", pid: pid) else { return false }
    return mask & (1 << (UInt64(SIGTERM) - 1)) != 0
}
