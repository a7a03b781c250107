import Foundation
import GIPCTestSupport
import Testing

@testable import GIPCKit
@testable import GIPCTestEntries

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

#if os(Linux)
    extension ProcessTests {
        /// What only the forkserver start method has: its helper, and children made by a fork instead of an exec.
        /// (Every other process test also runs with the forkserver as the default: scripts/test.sh.)
        @Suite("Forkserver start method", .timeLimit(.minutes(1)))
        struct ForkServerTests {
            /// The helper of the test host, started if need be.
            func helper() async throws -> Int32 {
                try await GIPC.prepareForkServer()
                let pids = ForkServer.helperPIDs
                try #require(pids.count == 1, "helpers: \(pids)")
                return pids[0]
            }

            @Test(
                "exit codes and signals reach the caller exactly",
                arguments: exitStatusCases)
            func exitStatuses(arguments: ExitWith.Arguments, expected: ExitStatus) async throws {
                let child = try await GIPC.start(ExitWith.self, arguments, startMethod: .forkServer)
                #expect(try await child.join() == expected)
                #expect(child.exitStatus == expected)
            }

            @Test("the child is this process's child, not the helper's, and shows the name it was given")
            func parentAndName() async throws {
                let helper = try await helper()
                let child = try await GIPC.start(
                    ReadySleeper.self, .init(seconds: 60), name: "forked worker", standardOutput: .capture,
                    startMethod: .forkServer)
                #expect(await nextLine(child.standardOutput) == "ready")
                #expect(processState(child.pid)?.parent == getpid())
                #expect(child.pid != helper)
                #expect(commandLine(child.pid) == "forked worker\0")
                #expect(await eventually { commandName(child.pid) == "ReadySleeper" })
                try child.kill()
                #expect(try await child.join() == .signaled(SIGKILL))
            }

            @Test("CommandLine and ProcessInfo see the same command line as in a spawned child")
            func arguments() async throws {
                var outputs: [[String]] = []
                for method in StartMethod.allCases {
                    let child = try await GIPC.start(
                        PrintArguments.self, .init(), name: "named child", standardOutput: .capture,
                        startMethod: method)
                    #expect(try await child.join() == .exited(0))
                    outputs.append(await child.standardOutput?.finalLines() ?? [])
                }
                // CommandLine has argv as it is; Foundation puts the executable's path in place of argv[0].
                #expect(outputs[0] == ["named child", TestHost.path], "\(outputs[0])")
                #expect(outputs[1] == outputs[0], "\(outputs[1])")
            }

            @Test("a killed helper is replaced: at once, and after its death has been observed")
            func helperRestarted() async throws {
                for waitForReap in [false, true] {
                    let old = try await helper()
                    #expect(kill(old, SIGKILL) == 0)
                    if waitForReap { #expect(await eventually { !ForkServer.helperPIDs.contains(old) }) }
                    let child = try await GIPC.start(ExitWith.self, .init(status: 3), startMethod: .forkServer)
                    #expect(try await child.join() == .exited(3))
                    let new = ForkServer.helperPIDs
                    #expect(new.count == 1 && !new.contains(old), "helpers \(new), killed \(old)")
                    #expect(await eventually { processState(old) == nil })
                }
            }

            @Test("50 starts at once: each child runs and reports its own status")
            func concurrentStarts() async throws {
                let results = try await withThrowingTaskGroup(of: (Int32, Int32, ExitStatus).self) { group in
                    for index in 0..<50 {
                        group.addTask {
                            let status = Int32(index % 7)
                            let child = try await GIPC.start(
                                ExitWith.self, .init(status: status), startMethod: .forkServer)
                            return (status, child.pid, try await child.join())
                        }
                    }
                    var results: [(Int32, Int32, ExitStatus)] = []
                    for try await result in group { results.append(result) }
                    return results
                }
                #expect(results.count == 50)
                #expect(Set(results.map(\.1)).count == 50)
                for (status, pid, exit) in results { #expect(exit == .exited(status), "child \(pid)") }
            }

            @Test("no descriptor is left open here, and the child holds 0, 1, 2 and its own handles only")
            func descriptors() async throws {
                _ = try await helper()
                try await expectNoDescriptorLeak {
                    for _ in 0..<20 {
                        let child = try await GIPC.start(ExitWith.self, .init(status: 0), startMethod: .forkServer)
                        #expect(try await child.join() == .exited(0))
                    }
                }
                let (report, reportSink) = try GIPC.pipe(of: [Int32: String].self)
                let extras = try (0..<2).map { _ in try GIPC.pipe(of: Int.self) }
                let child = try await GIPC.start(
                    DescriptorLister.self, .init(report: reportSink, extra: extras.map(\.reader)),
                    startMethod: .forkServer)
                let open = try await report.get(timeout: .seconds(20))
                #expect(try await child.join() == .exited(0))
                for fd: Int32 in [0, 1, 2, 3, 4, 5] { #expect(open[fd] != nil, "fd \(fd) missing") }
                for (fd, target) in open where fd > 5 {
                    #expect(target.hasPrefix("anon_inode:"), "fd \(fd) -> \(target) leaked into the child")
                }
                #expect(!open.values.contains { $0.hasPrefix("socket:") }, "the helper's socket: \(open)")
            }

            @Test("the environment is the one the start asks for, not the helper's")
            func environment() async throws {
                _ = try await helper()
                let names = ["GIPC_FORKSERVER_PROBE", "HOME", "GIPC_FORKSERVER", "LD_BIND_NOW", "GIPC_ENTRY"]
                let child = try await GIPC.start(
                    PrintEnvironment.self, .init(names: names),
                    environment: .inherit(updating: ["GIPC_FORKSERVER_PROBE": "yes", "HOME": "/elsewhere"]),
                    standardOutput: .capture, startMethod: .forkServer)
                #expect(try await child.join() == .exited(0))
                let here = ProcessInfo.processInfo.environment
                #expect(
                    await child.standardOutput?.finalLines() == [
                        "GIPC_FORKSERVER_PROBE=yes", "HOME=/elsewhere", "GIPC_FORKSERVER unset",
                        here["LD_BIND_NOW"].map { "LD_BIND_NOW=\($0)" } ?? "LD_BIND_NOW unset", "GIPC_ENTRY unset",
                    ])
            }

            @Test("the working directory is the caller's at each start, not the helper's")
            func workingDirectory() async throws {
                let directory = temporaryPath("cwd")
                #expect(mkdir(directory, 0o700) == 0)
                defer { rmdir(directory) }
                let resolved = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
                let (report, reportSink) = try GIPC.pipe(of: [String].self)
                let probe = try await GIPC.start(
                    ForkServerDirectoryProbe.self, .init(directory: directory, report: reportSink),
                    startMethod: .spawn)
                let lines = try await report.get(timeout: .seconds(30))
                #expect(try await probe.join() == .exited(0))
                try #require(lines.count == 3, "\(lines)")
                #expect(lines[1] == lines[0])
                #expect(lines[2] == resolved)
            }

            @Test("the helper and its daemon children die with the parent that started them")
            func helperDiesWithParent() async throws {
                let (report, reportSink) = try GIPC.pipe(of: [Int32].self)
                let parent = try await GIPC.start(ForkServerParent.self, .init(report: reportSink), startMethod: .spawn)
                let pids = try await report.get(timeout: .seconds(20))
                try #require(pids.count == 2, "helper and child: \(pids)")
                for pid in pids { #expect(processState(pid)?.parent == parent.pid, "pid \(pid)") }
                try parent.kill()
                #expect(try await parent.join() == .signaled(SIGKILL))
                for pid in pids {
                    // Reparented and reaped by init (or a subreaper): wait until the pid is gone.
                    #expect(await eventually { kill(pid, 0) != 0 || isZombie(pid) }, "pid \(pid) outlived its parent")
                }
            }
        }
    }
#endif
