import Foundation
import GIPCKit
import GIPCTestSupport
import Testing

@testable import GIPCTestEntries

#if canImport(Glibc)
    import Glibc
#endif

/// RELIABILITY cases not covered elsewhere (docs/RELIABILITY.md maps every case to its test).
extension ProcessTests {
    @Suite("Faults")
    struct FaultTests {
        /// Case 1, across processes: N frames, then a clean end of stream, and nothing after it.
        @Test("a child sends N frames then exits: N delivered, then endOfStream", arguments: [0, 1, 1000])
        func framesThenExit(count: Int) async throws {
            let (reader, writer) = try GIPC.pipe(of: Int.self, codec: .msgpack)
            let child = try await GIPC.start(SendThenExit.self, .init(output: writer, count: count))
            for index in 0..<count { #expect(try await reader.get(timeout: .seconds(30)) == index) }
            let end = await gipcError { _ = try await reader.get(timeout: .seconds(30)) }
            #expect(end?.code == .endOfStream)
            let again = await gipcError { _ = try await reader.get(timeout: .seconds(1)) }
            #expect(again?.code == .endOfStream)
            #expect(try await child.join() == .exited(0))
            try reader.close()
        }

        /// Case 5: a child stopped (SIGSTOP) in the middle of echoing large frames, then continued (SIGCONT).
        @Test("SIGSTOP/SIGCONT of a child while 4 MiB frames flow: every frame intact, no error")
        func stopAndContinue() async throws {
            let (childInput, input) = try GIPC.pipe(of: Value.self, codec: .raw)
            let (output, childOutput) = try GIPC.pipe(of: Value.self, codec: .raw)
            let child = try await GIPC.start(Echo.self, .init(input: childInput, output: childOutput))
            let frames = (0..<6).map { index in
                var bytes = [UInt8](repeating: UInt8(index), count: 4 << 20)
                for offset in stride(from: index, to: bytes.count, by: 4093) { bytes[offset] = UInt8(offset % 251) }
                return Value.bytes(bytes)
            }
            async let sending: Void = {
                for frame in frames { try await input.put(frame) }
                try input.close()
            }()
            for (index, frame) in frames.enumerated() {
                if index == 2 {
                    #expect(kill(child.pid, SIGSTOP) == 0)
                    try await Task.sleep(for: .milliseconds(300))
                    #expect(kill(child.pid, SIGCONT) == 0)
                }
                #expect(try await output.get(timeout: .seconds(60)) == frame, "frame \(index)")
            }
            try await sending
            #expect(try await child.join() == .exited(0))
            try output.close()
        }

        /// Case 21, bounded: the soak program (Tests/Soak) for a few seconds with random kills.
        @Test("a short soak: nothing lost, duplicated or corrupted; descriptors flat")
        func shortSoak() async throws {
            let program = URL(fileURLWithPath: TestHost.path).deletingLastPathComponent()
                .appendingPathComponent("gipc-soak").path
            try #require(FileManager.default.isExecutableFile(atPath: program), "build the gipc-soak product")
            let report = try await run(program, ["--seconds", "6", "--workers", "2", "--max-bytes", "1048576"])
            #expect(report.status == .exited(0), "\(report.output)")
            #expect(report.output.contains("lost 0, duplicated 0, corrupted 0"), "\(report.output)")
        }

        /// Case 5: EINTR injected with strace into every third read and write of the soak's parent and children, with
        /// bodies up to 1 MiB (mostly large frames, sent with writev) and up to 512 bytes (small frames, sent with one
        /// write each).
        @Test(
            "EINTR injected into read and write while frames flow (strace)",
            .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"), "needs strace"),
            arguments: [1 << 20, 512])
        func injectedEINTR(maxBytes: Int) async throws {
            let program = URL(fileURLWithPath: TestHost.path).deletingLastPathComponent()
                .appendingPathComponent("gipc-soak").path
            let script = Repository.root.appendingPathComponent("scripts/eintr.sh").path
            let report = try await run("/bin/bash", [script, program, "6", "\(maxBytes)"])
            #expect(report.status == .exited(0), "\(report.output)")
            #expect(report.output.contains("lost 0, duplicated 0, corrupted 0"), "\(report.output)")
            #expect(report.output.contains("EINTR injected"), "\(report.output)")
        }

        /// Runs `program` with its output in a file; returns the exit status and the output.
        private func run(_ program: String, _ arguments: [String]) async throws -> (status: ExitStatus, output: String)
        {
            let output = temporaryPath("fault-output")
            defer { unlink(output) }
            let quoted = ([program] + arguments).map { "'\($0)'" }.joined(separator: " ")
            let child = try await GIPC.start(executable: "/bin/sh", arguments: ["-c", "\(quoted) > '\(output)' 2>&1"])
            let status = try await child.join()
            return (status, readTextFile(output))
        }
    }
}
