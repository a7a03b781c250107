import GIPCKit
import Testing

@testable import GIPCTestEntries

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// Captured streams as lines: order, nothing lost while iterating, bounded memory, and the tail for reports.
    @Suite("Captured lines", .timeLimit(.minutes(1)))
    struct CapturedLines {
        @Test("100 000 lines arrive in order and none is lost while a task iterates")
        func manyLinesInOrder() async throws {
            let child = try await GIPC.start(
                executable: "/bin/sh", arguments: ["-c", "sleep 0.1; seq 1 100000; seq 1 100000 >&2"],
                standardOutput: .capture,
                standardError: .capture)
            let output = try #require(child.standardOutput)
            let errors = try #require(child.standardError)
            async let errorLines = collect(errors)
            var lines: [String] = []
            for await line in output { lines.append(line) }
            #expect(lines.count == 100_000)
            #expect(lines == (1...100_000).map(String.init))
            #expect(await errorLines == lines)
            #expect(output.droppedLines == 0)
            #expect(output.recentLines == (99_901...100_000).map(String.init))
            #expect(try await child.join() == .exited(0))
        }

        @Test("a child that writes a lot is never blocked when nobody reads; the oldest unread lines are dropped")
        func chattyChildIsNotBlocked() async throws {
            let child = try await GIPC.start(
                executable: "/usr/bin/seq", arguments: ["1", "300000"], standardOutput: .capture)
            #expect(try await child.join(timeout: .seconds(30)) == .exited(0))
            let output = try #require(child.standardOutput)
            #expect(await output.finalLines(timeout: .seconds(10)) == (299_901...300_000).map(String.init))
            #expect(output.droppedLines == 290_000)
            var unread: [String] = []
            for await line in output { unread.append(line) }
            #expect(unread == (290_001...300_000).map(String.init))
        }

        @Test("a 1 MiB line without a newline comes in 64 KiB pieces, the last one at the end of the stream")
        func longLineIsCut() async throws {
            let child = try await GIPC.start(
                executable: "/bin/sh", arguments: ["-c", "head -c 1048600 /dev/zero | tr '\\0' a"],
                standardOutput: .capture(keepingLast: 100))
            let output = try #require(child.standardOutput)
            var pieces: [Int] = []
            for await line in output {
                #expect(line.utf8.allSatisfy { $0 == UInt8(ascii: "a") })
                pieces.append(line.utf8.count)
            }
            #expect(pieces == Array(repeating: 65_536, count: 16) + [24])
            #expect(try await child.join() == .exited(0))
        }

        @Test("a cut never splits a UTF-8 character; line ends and invalid UTF-8 are handled")
        func lineEndsAndEncoding() async throws {
            let script =
                "import sys; w = sys.stdout.buffer.write; w(b'a' * 65535 + 'é'.encode() + b'b\\n'); "
                + "w(b'crlf\\r\\n\\nplain\\n\\xff\\xfebad\\r\\nlast')"
            let child = try await GIPC.start(
                executable: "python3", arguments: ["-c", script], standardOutput: .capture)
            #expect(try await child.join() == .exited(0))
            let lines = await child.standardOutput?.finalLines(timeout: .seconds(10)) ?? []
            #expect(lines.count == 7)
            guard lines.count == 7 else { return }
            #expect(lines[0] == String(repeating: "a", count: 65_535))
            #expect(lines[1] == "éb")
            #expect(Array(lines[2...]) == ["crlf", "", "plain", "\u{FFFD}\u{FFFD}bad", "last"])
        }

        @Test("recentLines and finalLines hold the tail of both streams of a child that crashed")
        func tailAfterCrash() async throws {
            let child = try await GIPC.start(
                WriteThenCrash.self, .init(lines: 500, signal: SIGABRT), standardOutput: .capture(keepingLast: 20),
                standardError: .capture(keepingLast: 20))
            #expect(try await child.join() == .signaled(SIGABRT))
            #expect(await child.standardOutput?.finalLines() == (480..<500).map { "out \($0)" })
            #expect(await child.standardError?.finalLines() == (480..<500).map { "err \($0)" })
            #expect(child.standardOutput?.recentLines == (480..<500).map { "out \($0)" })
        }

        @Test("finalLines gives up after its timeout while a grandchild holds the stream, in a cancelled task too")
        func finalLinesTimesOut() async throws {
            let child = try await GIPC.start(
                executable: "/bin/sh", arguments: ["-c", "sleep 1000 & echo $!"], standardOutput: .capture)
            #expect(try await child.join() == .exited(0))
            let output = try #require(child.standardOutput)
            let (lines, elapsed) = await measure { await output.finalLines(timeout: .milliseconds(200)) }
            #expect(elapsed >= .milliseconds(200))
            #expect(elapsed < .seconds(10))
            let grandchild = try #require(Int32(lines.first ?? ""))
            let cancelled = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return await measure { await output.finalLines(timeout: .milliseconds(200)) }
            }
            let (again, waited) = await cancelled.value
            #expect(again == lines)
            #expect(waited >= .milliseconds(200))
            // The sleep is in the child's group, and the child has been reaped: kill it by its own pid.
            kill(grandchild, SIGKILL)
            #expect(await output.finalLines(timeout: .seconds(10)) == lines)
        }

        @Test("iterating ends when the task is cancelled")
        func iterationEndsOnCancellation() async throws {
            try await GIPC.withChild(
                executable: "/bin/sh", arguments: ["-c", "echo one; exec sleep 1000"], standardOutput: .capture
            ) { child in
                let output = try #require(child.standardOutput)
                let reader = Task {
                    var lines: [String] = []
                    for await line in output { lines.append(line) }
                    return lines
                }
                #expect(await eventually { output.recentLines == ["one"] })
                try await Task.sleep(for: .milliseconds(50))
                reader.cancel()
                #expect(await reader.value == ["one"])
            }
        }

        private func collect(_ output: CapturedOutput) async -> [String] {
            var lines: [String] = []
            for await line in output { lines.append(line) }
            return lines
        }
    }
}
