import Foundation
import GIPCKit
import Testing

@testable import GIPCTestEntries

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    @Suite("Entries in child processes, handle transfer")
    struct ChildEntryTests {
        static let codecs: [any MessageCodec] = [JSONCodec(), PropertyListCodec(), MessagePackCodec()]

        @Test("every codec carries values across a process boundary and back", arguments: codecs)
        func echoAcrossProcesses(codec: any MessageCodec) async throws {
            let (toChild, toChildSink) = try GIPC.pipe(of: Value.self, codec: codec)
            let (fromChild, fromChildSink) = try GIPC.pipe(of: Value.self, codec: codec)
            let child = try await GIPC.start(Echo.self, .init(input: toChild, output: fromChildSink))
            let values: [Value] = [
                .map([(.string("id"), .int(7)), (.string("item"), .string("tea ü"))]),
                .array([.int(-1), .int(Int64.max), .double(0.5), .bool(true)]),
                .map([(.string("blob"), .string(String(repeating: "x", count: 70_000)))]),
            ]
            for value in values {
                try await toChildSink.put(value)
                #expect(try await fromChild.get(timeout: .seconds(20)) == value)
            }
            try toChildSink.close()
            #expect(await gipcError { _ = try await fromChild.get(timeout: .seconds(20)) }?.code == .endOfStream)
            #expect(try await child.join() == .exited(0))
        }

        @Test("raw bytes cross: empty, 1 byte and 16 MiB")
        func rawAcrossProcesses() async throws {
            let (toChild, toChildSink) = try GIPC.pipe(of: Value.self, codec: .raw)
            let (fromChild, fromChildSink) = try GIPC.pipe(of: Value.self, codec: .raw)
            let child = try await GIPC.start(Echo.self, .init(input: toChild, output: fromChildSink))
            for size in [0, 1, 16 << 20] {
                let bytes = Value.bytes((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) })
                let sender = Task { try await toChildSink.put(bytes) }
                #expect(try await fromChild.get(timeout: .seconds(30)) == bytes)
                try await sender.value
            }
            try toChildSink.close()
            #expect(try await child.join() == .exited(0))
        }

        @Test("transferred handles are closed in the parent, unusable, and not transferable twice")
        func transferSemantics() async throws {
            try await expectNoDescriptorLeak { try await transferOnce() }
        }

        private func transferOnce() async throws {
            let (input, inputSink) = try GIPC.pipe(of: String.self)
            let (output, outputSink) = try GIPC.pipe(of: String.self)
            let child = try await GIPC.start(ReadOne.self, .init(input: input, output: outputSink))
            #expect(!input.isOpen && !outputSink.isOpen)
            #expect(await gipcError { _ = try await input.get() }?.code == .transferred)
            #expect(await gipcError { try await outputSink.put("x") }?.code == .transferred)
            let again = await gipcError {
                _ = try await GIPC.start(ReadOne.self, .init(input: input, output: outputSink))
            }
            #expect(again?.code == .transferred)
            try await inputSink.put("hello")
            #expect(try await output.get(timeout: .seconds(20)) == "hello")
            #expect(try await child.join() == .exited(0))
            try inputSink.close()
            try output.close()
        }

        @Test("the child holds 0, 1, 2 and its own handles; nothing of the parent's leaks in")
        func childDescriptors() async throws {
            let (report, reportSink) = try GIPC.pipe(of: [Int32: String].self)
            let extras = try (0..<2).map { _ in try GIPC.pipe(of: Int.self) }
            // A pipe the parent holds that the child must not see.
            let unrelated = try GIPC.pipe(of: Int.self)
            let unrelatedTarget = try FileManager.default.destinationOfSymbolicLink(
                atPath: "/proc/self/fd/\(unrelated.reader.fileDescriptor)")
            let child = try await GIPC.start(
                DescriptorLister.self, .init(report: reportSink, extra: extras.map(\.reader)))
            let open = try await report.get(timeout: .seconds(20))
            #expect(try await child.join() == .exited(0))
            // 3: report, 4 and 5: the extra readers. The argument channel (6) is closed after reading; everything else
            // was opened by the child's own runtime (epoll, eventfd, timerfd), never a pipe or socket of the parent.
            for fd: Int32 in [0, 1, 2, 3, 4, 5] { #expect(open[fd] != nil, "fd \(fd) missing") }
            #expect(open[3]?.hasPrefix("pipe:") == true)
            for (fd, target) in open where fd > 5 {
                #expect(target.hasPrefix("anon_inode:"), "fd \(fd) -> \(target) leaked into the child")
            }
            #expect(!open.values.contains(unrelatedTarget))
            _ = unrelated
        }

        @Test("a duplex pipe echoes through a child")
        func duplexEcho() async throws {
            let (mine, theirs) = try GIPC.duplexPipe(sending: String.self, receiving: String.self, codec: .msgpack)
            let child = try await GIPC.start(DuplexEcho.self, .init(channel: theirs))
            for word in ["gipc", "swift", ""] {
                try await mine.put(word)
                #expect(try await mine.get(timeout: .seconds(20)) == String(word.reversed()))
            }
            try mine.writer.close()
            #expect(try await child.join() == .exited(0))
        }

        @Test("circular forwarding through two children, and a child-to-child pipe")
        func circularForwarding() async throws {
            let (start, startSink) = try GIPC.pipe(of: [String].self)
            let (middle, middleSink) = try GIPC.pipe(of: [String].self)
            let (end, endSink) = try GIPC.pipe(of: [String].self)
            let first = try await GIPC.start(Forwarder.self, .init(input: start, output: middleSink, tag: "first"))
            let second = try await GIPC.start(Forwarder.self, .init(input: middle, output: endSink, tag: "second"))
            for round in 0..<20 {
                try await startSink.put(["parent \(round)"])
                #expect(try await end.get(timeout: .seconds(20)) == ["parent \(round)", "first", "second"])
            }
            try startSink.close()
            #expect(try await first.join() == .exited(0))
            #expect(try await second.join() == .exited(0))
            #expect(await gipcError { _ = try await end.get(timeout: .seconds(20)) }?.code == .endOfStream)
        }

        @Test("handles pass through three generations")
        func threeGenerations() async throws {
            let (input, inputSink) = try GIPC.pipe(of: [String].self)
            let (output, outputSink) = try GIPC.pipe(of: [String].self)
            let child = try await GIPC.start(NestedStarter.self, .init(input: input, output: outputSink, depth: 3))
            try await inputSink.put(["parent"])
            let path = try await output.get(timeout: .seconds(30))
            #expect(path.first == "parent" && path.count == 2 && path[1].hasPrefix("pid "))
            try inputSink.close()
            #expect(try await child.join() == .exited(0))
        }

        @Test("a reader child that exits early gives the writer peer closed; this process survives")
        func readerExitsEarly() async throws {
            let (input, inputSink) = try GIPC.pipe(of: [UInt8].self, codec: .raw)
            let child = try await GIPC.start(EarlyExit.self, .init(input: input))
            #expect(try await child.join() == .exited(0))
            let error = await gipcError { try await inputSink.put([UInt8](repeating: 1, count: 100_000)) }
            #expect(error?.code == .peerClosed)
        }

        @Test(
            "exit statuses: 0, 1, 8, SIGTERM, SIGKILL, SIGSEGV, SIGABRT",
            arguments: exitStatusCases)
        func exitStatuses(arguments: ExitWith.Arguments, expected: ExitStatus) async throws {
            let child = try await GIPC.start(ExitWith.self, arguments)
            #expect(try await child.join() == expected)
            #expect(child.exitStatus == expected)
            #expect(!child.isAlive)
        }

        @Test("a child writes 10 MB while the parent joins: no deadlock")
        func bigWriteWhileJoining() async throws {
            let (output, outputSink) = try GIPC.pipe(of: [UInt8].self, codec: .raw)
            let child = try await GIPC.start(BigWriter.self, .init(output: outputSink, bytes: 10_000_000))
            async let status = child.join()
            let data = try await output.get(timeout: .seconds(30))
            #expect(data.count == 10_000_000)
            #expect(try await status == .exited(0))
        }

        @Test("signals are reset in the child: nothing blocked or ignored")
        func signalsReset() async throws {
            let (report, reportSink) = try GIPC.pipe(of: [String].self)
            var blocked = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGUSR1)
            var previous = sigset_t()
            pthread_sigmask(SIG_BLOCK, &blocked, &previous)
            let oldHandler = signal(SIGUSR2, SIG_IGN)
            defer {
                pthread_sigmask(SIG_SETMASK, &previous, nil)
                signal(SIGUSR2, oldHandler)
            }
            let child = try await GIPC.start(SignalReport.self, .init(report: reportSink))
            let lines = try await report.get(timeout: .seconds(20))
            #expect(try await child.join() == .exited(0))
            func mask(_ name: String) -> UInt64 {
                let field = lines.first { $0.hasPrefix(name) }?.split(separator: "\t").last.map(String.init) ?? ""
                return UInt64(field, radix: 16) ?? UInt64.max
            }
            // What the parent blocked or ignored is not inherited (the child's own runtime may ignore others, such as
            // SIGPIPE by GIPCKit's policy).
            #expect(mask("SigBlk") & (1 << (UInt64(SIGUSR1) - 1)) == 0)
            #expect(mask("SigIgn") & (1 << (UInt64(SIGUSR2) - 1)) == 0)
        }

        @Test("an entry this program does not host is refused before anything starts")
        func unknownHost() async throws {
            let child = try await GIPC.start(Sleeper.self, .init(seconds: 0), host: "/bin/true")
            // /bin/true ignores the bootstrap protocol: it simply exits.
            #expect(try await child.join() == .exited(0))
            let error = await gipcError {
                _ = try await GIPC.start(Sleeper.self, .init(seconds: 0), host: "/nonexistent/host")
            }
            #expect(error?.code == .executableNotFound)
        }

        @Test("when starting fails, the handles stay usable")
        func failedStartKeepsHandles() async throws {
            let (input, inputSink) = try GIPC.pipe(of: String.self)
            let (output, outputSink) = try GIPC.pipe(of: String.self)
            let error = await gipcError {
                _ = try await GIPC.start(ReadOne.self, .init(input: input, output: outputSink), host: "/nonexistent")
            }
            #expect(error?.code == .executableNotFound)
            #expect(input.isOpen && outputSink.isOpen)
            try await inputSink.put("still here")
            #expect(try await input.get(timeout: .seconds(5)) == "still here")
            _ = output
        }

        @Test("a daemon child dies when its parent is killed with SIGKILL")
        func daemonDiesWithParent() async throws {
            let (report, reportSink) = try GIPC.pipe(of: Int32.self)
            let parent = try await GIPC.start(DaemonParent.self, .init(report: reportSink))
            let grandchild = try await report.get(timeout: .seconds(20))
            #expect(kill(grandchild, 0) == 0)
            try parent.kill()
            #expect(try await parent.join() == .signaled(SIGKILL))
            // The grandchild is reparented and reaped by init (or a subreaper); wait until its pid is gone.
            var gone = false
            for _ in 0..<200 {
                if kill(grandchild, 0) != 0 || isZombie(grandchild) {
                    gone = true
                    break
                }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(gone)
        }
    }
}
