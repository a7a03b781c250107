import GIPCTestSupport
import Testing

@testable import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// Reliability cases 13, 15 and 16: zombies, other code's children, descriptor exhaustion, parent death.
    @Suite struct Reliability {
        /// 1,000 children, some crashing, eight at a time: no zombie, no descriptor left behind.
        @Test func thousandSpawnExitCyclesLeaveNoZombiesAndNoDescriptors() async throws {
            _ = try await startChild("/bin/true").join()  // warm up: reactor and spawner threads
            let zombiesBefore = zombieChildren()
            try await expectNoDescriptorLeak {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<8 {
                        group.addTask {
                            for index in stride(from: worker, to: 1000, by: 8) {
                                if index.isMultiple(of: 25) {
                                    let child = try await startChild(
                                        "/bin/sh", ["-c", "ulimit -c 0; kill -SEGV $$"],
                                        daemon: index.isMultiple(of: 50))
                                    #expect(try await child.join() == .signaled(SIGSEGV))
                                } else {
                                    let child = try await startChild("/bin/true", daemon: index.isMultiple(of: 3))
                                    #expect(try await child.join() == .exited(0))
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            #expect(await eventually { Set(zombieChildren()).isSubset(of: zombiesBefore) })
        }

        /// Children nobody joins are reaped all the same.
        @Test func unjoinedChildrenAreReaped() async throws {
            var pids: [Int32] = []
            for _ in 0..<50 { pids.append(try await startChild("/bin/true").pid) }
            #expect(await eventually { zombieChildren().allSatisfy { !pids.contains($0) } })
        }

        /// A child that other code started with posix_spawn is left for that code to reap, while our own
        /// children come and go around it.
        @Test func otherCodesChildIsNotReaped() async throws {
            let foreign = try spawnDirectly(["/bin/sh", "-c", "sleep 0.2; exit 7"])
            for _ in 0..<20 { #expect(try await startChild("/bin/true").join() == .exited(0)) }
            #expect(await eventually { processState(foreign)?.state == "Z" })
            try await Task.sleep(for: .milliseconds(100))
            #expect(processState(foreign)?.state == "Z")  // still there: nobody else reaped it
            var status: Int32 = 0
            #expect(waitpid(foreign, &status, 0) == foreign)
            #expect(status & 0x7f == 0)  // WIFEXITED
            #expect((status >> 8) & 0xff == 7)  // WEXITSTATUS
        }

        /// No descriptor left: a typed error, and neither a descriptor nor a child left behind.
        @Test(arguments: [(false, false), (true, false), (false, true)])
        func descriptorLimitExhausted(daemon: Bool, passDescriptor: Bool) async throws {
            _ = try await startChild("/bin/true", daemon: daemon).join()  // warm up
            let pipe = TestPipe()
            defer { pipe.closeBoth() }
            let zombiesBefore = zombieChildren()
            await expectNoDescriptorLeak {
                let error = await withDescriptorsExhausted {
                    await gipcError {
                        _ = try await startChild(
                            "/bin/sleep", ["30"], descriptors: passDescriptor ? [pipe.writeFD] : [], daemon: daemon)
                    }
                }
                #expect(error?.code == .spawnFailed)
                #expect(error?.errno == EMFILE)
                #expect(error?.syscall != nil)
            }
            #expect(await eventually { Set(zombieChildren()).isSubset(of: zombiesBefore) })
            #expect(try await startChild("/bin/true", daemon: daemon).join() == .exited(0))
        }

        /// Reliability case 16: the parent is killed with SIGKILL; its daemon child dies with it, its other
        /// child lives on. The parent is an exit test: this test program run again as a child process.
        @Test func daemonChildDiesWithItsParent() async throws {
            let pidFile = "/tmp/gipc-process-tests-\(getpid())-daemon.pids"
            defer { unlink(pidFile) }
            await #expect(processExitsWith: .signal(SIGKILL)) {
                let daemon = try await startChild("/bin/sleep", ["30"], daemon: true)
                let ordinary = try await startChild("/bin/sleep", ["30"], daemon: false)
                let text = "\(daemon.pid) \(ordinary.pid)\n"
                let fd = open("/tmp/gipc-process-tests-\(getppid())-daemon.pids", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                _ = write(fd, text, text.utf8.count)
                close(fd)
                kill(getpid(), SIGKILL)
            }
            let pids = readTextFile(pidFile).split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int32($0) }
            try #require(pids.count == 2)
            func sleeping(_ pid: Int32) -> Bool {
                guard let info = processState(pid) else { return false }
                return info.command == "sleep" && info.state != "Z" && info.state != "X"
            }
            #expect(await eventually { !sleeping(pids[0]) }, "the daemon child outlived its parent")
            #expect(sleeping(pids[1]), "the ordinary child died with its parent")
            if sleeping(pids[1]) { kill(pids[1], SIGKILL) }
        }

        /// Median time to start and join /bin/true, printed for the record.
        @Test func spawnAndJoinLatency() async throws {
            let clock = ContinuousClock()
            for daemon in [false, true] {
                var samples: [Duration] = []
                for _ in 0..<200 {
                    let start = clock.now
                    #expect(try await startChild("/bin/true", daemon: daemon).join() == .exited(0))
                    samples.append(clock.now - start)
                }
                samples.sort()
                let median = samples[samples.count / 2]
                print("spawn+join /bin/true (\(daemon ? "fork path, daemon" : "posix_spawn")): median \(median)")
                #expect(median < .milliseconds(100))
            }
        }
    }
}

/// Runs `body` with every descriptor of this process in use: RLIMIT_NOFILE is lowered to just above the
/// highest open descriptor and the gaps are filled; both are undone afterwards.
func withDescriptorsExhausted<T>(_ body: () async throws -> T) async rethrows -> T {
    var saved = rlimit()
    getrlimit(resourceNOFILE, &saved)
    let highest = openDescriptors().max() ?? 2
    var lowered = saved
    lowered.rlim_cur = rlim_t(highest + 1)
    precondition(setrlimit(resourceNOFILE, &lowered) == 0)
    var fillers: [Int32] = []
    while true {
        let fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if fd < 0 { break }
        fillers.append(fd)
    }
    defer {
        for fd in fillers { close(fd) }
        setrlimit(resourceNOFILE, &saved)
    }
    return try await body()
}

#if canImport(Glibc)
    let resourceNOFILE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#else
    let resourceNOFILE = RLIMIT_NOFILE
#endif
