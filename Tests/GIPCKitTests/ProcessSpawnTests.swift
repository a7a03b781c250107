import GIPCTestSupport
import Testing

@testable import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// What a child receives: descriptors, environment, signal state; and typed errors when it cannot start
    /// (reliability cases 14 and 15).
    @Suite struct Spawning {
        @Test(arguments: [false, true])
        func descriptorsAppearAtThreeAndFour(daemon: Bool) async throws {
            let first = TestPipe()
            let second = TestPipe()
            defer {
                first.closeBoth()
                second.closeBoth()
            }
            let child = try await startChild(
                "/bin/sh", ["-c", "echo hello >&3 && echo world >&4"], descriptors: [first.writeFD, second.writeFD],
                daemon: daemon)
            #expect(try await child.join() == .exited(0))
            close(first.writeFD)
            close(second.writeFD)
            #expect(first.readAll() == "hello\n")
            #expect(second.readAll() == "world\n")
        }

        /// Many descriptors passed in reverse order: their numbers overlap the targets 3, 4, …, so a naive
        /// sequence of dup2 calls would overwrite sources before copying them.
        @Test(arguments: [false, true])
        func descriptorMappingSurvivesOverlappingNumbers(daemon: Bool) async throws {
            let pipes = (0..<24).map { _ in TestPipe() }
            defer { for pipe in pipes { pipe.closeBoth() } }
            let order = Array(pipes.reversed())
            let script = "import os\nfor i in range(\(order.count)): os.write(3 + i, b'%d' % i)"
            let child = try await startChild(
                "python3", ["-c", script], descriptors: order.map(\.writeFD), daemon: daemon)
            #expect(try await child.join() == .exited(0))
            for pipe in pipes { close(pipe.writeFD) }
            for (index, pipe) in order.enumerated() { #expect(pipe.readAll() == "\(index)") }
        }

        /// The child lists /proc/self/fd while other tasks open pipes and sockets without O_CLOEXEC and start
        /// children: it must see 0, 1, 2, its two descriptors and the one `ls` opens for the listing, nothing else.
        @Test(arguments: [false, true])
        func childSeesOnlyItsOwnDescriptors(daemon: Bool) async throws {
            let stop = StopFlag()
            let noise = Task.detached {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        while !stop.isSet {
                            var fds: [Int32] = [-1, -1]
                            if pipe(&fds) == 0 {
                                let socketFD = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
                                await Task.yield()
                                close(fds[0])
                                close(fds[1])
                                if socketFD >= 0 { close(socketFD) }
                            }
                        }
                    }
                    group.addTask {
                        while !stop.isSet { _ = try await startChild("/bin/true").join() }
                    }
                    try await group.waitForAll()
                }
            }
            defer { stop.set() }
            let first = TestPipe()
            let second = TestPipe()
            defer {
                first.closeBoth()
                second.closeBoth()
            }
            for round in 0..<15 {
                let output = temporaryPath("fds-\(round)")
                defer { unlink(output) }
                let child = try await startChild(
                    "/bin/sh", ["-c", "ls /proc/self/fd > \"$0\"", output],
                    descriptors: [first.writeFD, second.writeFD], daemon: daemon)
                #expect(try await child.join() == .exited(0))
                let listed = Set(readTextFile(output).split(separator: "\n").compactMap { Int32($0) })
                #expect(listed.isSuperset(of: [0, 1, 2, 3, 4]))
                #expect(listed.subtracting([0, 1, 2, 3, 4]).count == 1, "round \(round): \(listed.sorted())")
            }
            stop.set()
            try await noise.value
        }

        /// The parent ignores SIGUSR1 and SIGUSR2 and blocks SIGUSR1; the child starts with default dispositions
        /// and an empty mask all the same.
        @Test(arguments: [false, true])
        func signalsAreResetInTheChild(daemon: Bool) async throws {
            var ignore = sigaction()
            ignore.__sigaction_handler.sa_handler = SIG_IGN
            var saved1 = sigaction()
            var saved2 = sigaction()
            sigaction(SIGUSR1, &ignore, &saved1)
            sigaction(SIGUSR2, &ignore, &saved2)
            var block = sigset_t()
            var savedMask = sigset_t()
            sigemptyset(&block)
            sigaddset(&block, SIGUSR1)
            pthread_sigmask(SIG_BLOCK, &block, &savedMask)
            defer {
                pthread_sigmask(SIG_SETMASK, &savedMask, nil)
                sigaction(SIGUSR1, &saved1, nil)
                sigaction(SIGUSR2, &saved2, nil)
            }
            #expect(statusMask("SigIgn").map { $0 & (1 << (UInt64(SIGUSR1) - 1)) != 0 } == true)
            let output = temporaryPath("status")
            defer { unlink(output) }
            let child = try await startChild(
                "/bin/sh", ["-c", "exec cat /proc/self/status > \"$0\"", output], daemon: daemon)
            #expect(try await child.join() == .exited(0))
            #expect(statusMask("SigBlk", path: output) == 0)
            // glibc's posix_spawn leaves its two internal signals (32, 33) ignored in every child it starts, and
            // offers no way to change that; the fork path resets them too.
            let glibcInternal: UInt64 = daemon ? 0 : (1 << 31 | 1 << 32)
            #expect(statusMask("SigIgn", path: output).map { $0 & ~glibcInternal } == 0)
            #expect(statusMask("SigCgt", path: output) == 0)
        }

        @Test func environmentIsExactlyTheRequestedOne() async throws {
            let child = try await startChild(
                "sh", ["-c", "[ \"$GIPC_A\" = 'one two' ] && [ -z \"${HOME+set}\" ] && [ \"$PATH\" = /nowhere:/bin ]"],
                environment: ["GIPC_A": "one two", "PATH": "/nowhere:/bin"])
            #expect(try await child.join() == .exited(0))
        }

        @Test func pathLookupUsesTheChildsPATH() async throws {
            let error = await gipcError { _ = try await startChild("true", environment: ["PATH": "/nonexistent"]) }
            #expect(error?.code == .executableNotFound)
            #expect(error?.errno == ENOENT)
            // No PATH at all: execvp's default, /bin:/usr/bin.
            #expect(try await startChild("true", environment: [:]).join() == .exited(0))
        }

        @Test(arguments: ["/nonexistent/gipc-missing", "gipc-no-such-program", "/bin/true/x"], [false, true])
        func missingExecutable(path: String, daemon: Bool) async throws {
            let zombiesBefore = zombieChildren()
            await expectNoDescriptorLeak {
                for _ in 0..<20 {
                    let error = await gipcError { _ = try await startChild(path, daemon: daemon) }
                    #expect(error?.code == .executableNotFound)
                    #expect(error?.errno == (path.hasSuffix("/x") ? ENOTDIR : ENOENT))
                }
            }
            #expect(zombieChildren() == zombiesBefore)
        }

        /// A file without execute permission, a directory, and an executable file that is no program.
        @Test(arguments: [false, true])
        func nonExecutableFiles(daemon: Bool) async throws {
            let plain = temporaryPath("plain")
            let garbage = temporaryPath("garbage")
            defer {
                unlink(plain)
                unlink(garbage)
            }
            for (path, mode) in [(plain, mode_t(0o644)), (garbage, mode_t(0o755))] {
                let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
                _ = write(fd, "\u{7F}ELF-not-really", 15)
                close(fd)
                chmod(path, mode)
            }
            let zombiesBefore = zombieChildren()
            await expectNoDescriptorLeak {
                for (path, reason) in [(plain, EACCES), ("/tmp", EACCES), (garbage, ENOEXEC)] {
                    for _ in 0..<10 {
                        let error = await gipcError { _ = try await startChild(path, daemon: daemon) }
                        #expect(error?.code == .executableNotFound, "\(path)")
                        #expect(error?.errno == reason, "\(path)")
                    }
                }
            }
            #expect(zombieChildren() == zombiesBefore)
        }

        @Test func invalidRequestsAreRefusedBeforeAnythingStarts() async throws {
            let closedFD: Int32 = 15_000
            #expect(fcntl(closedFD, F_GETFD) == -1)
            await expectNoDescriptorLeak {
                let requests: [(SpawnRequest, Int32?)] = [
                    (SpawnRequest(executable: "/bin/true", arguments: ["a\0b"], environment: [:]), nil),
                    (SpawnRequest(executable: "/bin/true", environment: ["A=B": "c"]), nil),
                    (SpawnRequest(executable: "/bin/true", environment: ["A": "c\0"]), nil),
                    (SpawnRequest(executable: "", environment: [:]), nil),
                    (SpawnRequest(executable: "/bin/true", environment: [:], descriptors: [-1]), nil),
                    (SpawnRequest(executable: "/bin/true", environment: [:], descriptors: [2, closedFD]), EBADF),
                ]
                for (index, (request, reason)) in requests.enumerated() {
                    let error = await gipcError { _ = try await ChildProcess.spawn(request) }
                    #expect(error?.code == .invalidArgument, "request \(index)")
                    #expect(error?.errno == reason, "request \(index)")
                }
            }
        }

        /// The daemon flag sets the parent-death signal (read back in the child with PR_GET_PDEATHSIG).
        @Test(arguments: [(false, Int32(0)), (true, SIGKILL)])
        func daemonChildrenHaveTheParentDeathSignal(daemon: Bool, expected: Int32) async throws {
            let script = """
                import ctypes
                value = ctypes.c_int(-1)
                ctypes.CDLL(None).prctl(2, ctypes.byref(value))
                raise SystemExit(value.value)
                """
            let child = try await startChild("python3", ["-c", script], daemon: daemon)
            #expect(child.isDaemon == daemon)
            #expect(try await child.join() == .exited(expected))
        }
    }
}
