import GIPCKit
import GIPCTestSupport
import Testing

@testable import GIPCTestEntries

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// Where a child's standard output and error go: inherited, discarded, a file, or captured.
    @Suite("Standard output and error", .timeLimit(.minutes(1)))
    struct StandardStreams {
        @Test("discard sends a stream to /dev/null")
        func discard() async throws {
            let path = temporaryPath("discard")
            defer { unlink(path) }
            // The child reports where its own descriptor 1 points, on its standard error.
            let child = try await GIPC.start(
                executable: "/bin/sh",
                arguments: ["-c", "target=$(readlink /proc/$$/fd/1); echo \"$target\" >&2; echo gone"],
                standardOutput: .discard, standardError: .file(path))
            #expect(try await child.join() == .exited(0))
            #expect(fileText(path) == "/dev/null\n")
        }

        @Test("a file is emptied first, and created with mode 0644 (less the umask)")
        func fileTruncates() async throws {
            let path = temporaryPath("truncate")
            defer { unlink(path) }
            writeFile(path, "an older and much longer content\n")
            let child = try await GIPC.start(
                executable: "/bin/sh", arguments: ["-c", "echo new; echo problem >&2"], standardOutput: .file(path),
                standardError: .discard)
            #expect(try await child.join() == .exited(0))
            #expect(fileText(path) == "new\n")

            let created = temporaryPath("created")
            defer { unlink(created) }
            let second = try await GIPC.start(executable: "/bin/true", standardOutput: .file(created))
            #expect(try await second.join() == .exited(0))
            var info = stat()
            #expect(stat(created, &info) == 0)
            let mask = umask(0o022)
            umask(mask)
            #expect(info.st_mode & 0o777 == 0o644 & ~mask)
        }

        @Test("append adds to the end; both streams may share one file")
        func fileAppends() async throws {
            let path = temporaryPath("append")
            defer { unlink(path) }
            writeFile(path, "first\n")
            let child = try await GIPC.start(
                executable: "/bin/sh", arguments: ["-c", "echo out; echo err >&2; echo out again"],
                standardOutput: .file(path, append: true), standardError: .file(path, append: true))
            #expect(try await child.join() == .exited(0))
            #expect(fileText(path) == "first\nout\nerr\nout again\n")
        }

        @Test("a file that cannot be opened is an invalidArgument error, and nothing starts")
        func fileThatCannotBeOpened() async throws {
            let marker = temporaryPath("never")
            let (input, inputSink) = try GIPC.pipe(of: String.self)
            let (output, outputSink) = try GIPC.pipe(of: String.self)
            let error = await gipcError {
                _ = try await GIPC.start(
                    ReadOne.self, .init(input: input, output: outputSink),
                    standardOutput: .file("/nonexistent-directory/out.log"))
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.syscall == "open")
            #expect(error?.errno == ENOENT)
            // The handles stay usable here.
            try await inputSink.put("still here")
            #expect(try await input.get(timeout: .seconds(5)) == "still here")
            try await outputSink.put("and here")
            #expect(try await output.get(timeout: .seconds(5)) == "and here")

            let second = await gipcError {
                _ = try await GIPC.start(
                    executable: "/bin/sh", arguments: ["-c", "touch '\(marker)'"],
                    standardError: .file("/proc/self/no/such/file", append: true))
            }
            #expect(second?.code == .invalidArgument)
            try await Task.sleep(for: .milliseconds(100))
            #expect(access(marker, F_OK) != 0)
            #expect(zombieChildren().isEmpty)
        }

        @Test("a capture must keep zero or more lines")
        func negativeCaptureIsRefused() async throws {
            let error = await gipcError {
                _ = try await GIPC.start(executable: "/bin/true", standardOutput: .capture(keepingLast: -1))
            }
            #expect(error?.code == .invalidArgument)
        }

        @Test("both streams are captured apart, on both spawn paths", arguments: [false, true])
        func captureBothStreams(daemon: Bool) async throws {
            let child = try await GIPC.start(
                executable: "/bin/sh", arguments: ["-c", "echo out 1; echo err 1 >&2; echo out 2"],
                daemon: daemon, standardOutput: .capture, standardError: .capture)
            #expect(try await child.join() == .exited(0))
            #expect(await child.standardOutput?.finalLines() == ["out 1", "out 2"])
            #expect(await child.standardError?.finalLines() == ["err 1"])

            let inherited = try await GIPC.start(executable: "/bin/true", standardError: .capture)
            #expect(inherited.standardOutput == nil)
            #expect(inherited.standardError != nil)
            _ = try await inherited.join()
        }

        @Test("no descriptor stays open once the child and its streams are done")
        func noDescriptorLeak() async throws {
            let path = temporaryPath("leak")
            defer { unlink(path) }
            try await expectNoDescriptorLeak {
                let child = try await GIPC.start(
                    executable: "/bin/sh", arguments: ["-c", "echo one; echo two >&2"], standardOutput: .capture,
                    standardError: .file(path))
                #expect(try await child.join() == .exited(0))
                #expect(await child.standardOutput?.finalLines(timeout: .seconds(10)) == ["one"])
                let discarded = try await GIPC.start(
                    executable: "/bin/sh", arguments: ["-c", "echo x"], standardOutput: .discard,
                    standardError: .capture(keepingLast: 0))
                #expect(try await discarded.join() == .exited(0))
                #expect(await discarded.standardError?.finalLines(timeout: .seconds(10)) == [])
                _ = await gipcError {
                    _ = try await GIPC.start(
                        executable: "/nonexistent/program", standardOutput: .capture, standardError: .capture)
                }
            }
        }
    }
}
