import Foundation
import GIPCKit
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// `gipc pool` run as a user runs it: the built `gipc`, Tests/Interop/pool_worker.py as the worker (with the
    /// `python3` first on PATH, which needs msgpack), real files and pipes.
    @Suite("gipc pool", .timeLimit(.minutes(2)))
    struct PoolCLITests {
        /// One line of `gipc pool`'s output, for jobs whose results are integers.
        struct Line: Decodable {
            struct Failure: Decodable {
                let code: String
                let message: String
            }
            let job: Int
            let ok: Int?
            let error: Failure?
        }

        /// Runs `gipc pool OPTIONS -- python3 pool_worker.py MODE...` with `input` on standard input.
        static func pool(_ options: [String], _ mode: [String], input: String) throws -> CLIResult {
            try runGIPC(
                ["pool"] + options + ["--", "python3", Interop.peer("pool_worker.py")] + mode, input: Array(input.utf8))
        }

        /// The numbers `range`, one per line.
        static func numbers(_ range: Range<Int>) -> String {
            range.map { "\($0)\n" }.joined()
        }

        /// The lines of `result`'s standard output, in the order written.
        static func lines(_ result: CLIResult) throws -> [Line] {
            try result.text.split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
        }

        /// Checks that the run exited 0 and every job answered `expected(index)`, in input order, but `failed`, which
        /// failed with its code.
        static func expectAnswers(
            _ result: CLIResult, count: Int, failed: (job: Int, code: String)? = nil, expected: (Int) -> Int = { $0 },
            sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            #expect(result.status == 0, "\(result.error)", sourceLocation: sourceLocation)
            let lines = try Self.lines(result)
            #expect(lines.map(\.job) == Array(0..<count), sourceLocation: sourceLocation)
            for line in lines where line.job != failed?.job {
                #expect(line.ok == expected(line.job), "job \(line.job)", sourceLocation: sourceLocation)
                #expect(
                    line.error == nil, "job \(line.job): \(line.error?.message ?? "")", sourceLocation: sourceLocation)
            }
            guard let failed else { return }
            let failure = lines.first { $0.job == failed.job }
            #expect(failure?.ok == nil, sourceLocation: sourceLocation)
            #expect(
                failure?.error?.code == failed.code, "\(failure?.error?.message ?? "no line")",
                sourceLocation: sourceLocation)
        }

        @Test("200 jobs through square: one line per job, in input order, exit 0")
        func orderedSquares() throws {
            let result = try Self.pool(["--workers", "3"], ["square"], input: Self.numbers(0..<200))
            try Self.expectAnswers(result, count: 200, expected: { $0 * $0 })
            #expect(result.text.hasPrefix("{\"job\":0,\"ok\":0}\n{\"job\":1,\"ok\":1}\n{\"job\":2,\"ok\":4}\n"))
            #expect(result.error == "")
        }

        @Test("--unordered: a slow job comes out late, and every index comes out exactly once")
        func unordered() throws {
            let result = try Self.pool(
                ["--workers", "2", "--unordered"], ["sleep-on", "3", "0.5"], input: Self.numbers(0..<200))
            #expect(result.status == 0, "\(result.error)")
            let lines = try Self.lines(result)
            #expect(lines.map(\.job).sorted() == Array(0..<200))
            #expect(lines.allSatisfy { $0.ok == $0.job })
            let slow = try #require(lines.firstIndex { $0.job == 3 })
            #expect(slow > 3, "job 3 slept 0.5 s, yet came out at position \(slow)")
        }

        @Test("a worker that dies running a job: workerCrashed for that job only")
        func workerCrashed() throws {
            let result = try Self.pool(["--workers", "2"], ["crash-on", "7"], input: Self.numbers(0..<50))
            try Self.expectAnswers(result, count: 50, failed: (7, "workerCrashed"))
        }

        @Test("a job longer than --timeout: timedOut for that job only")
        func timedOut() throws {
            let start = ContinuousClock.now
            let result = try Self.pool(
                ["--workers", "2", "--timeout", "500ms"], ["sleep-on", "5", "30"], input: Self.numbers(0..<20))
            try Self.expectAnswers(result, count: 20, failed: (5, "timedOut"))
            #expect(ContinuousClock.now - start < .seconds(20))
        }

        @Test("a result that does not decode: codecFailure for that job only")
        func codecFailure() throws {
            let result = try Self.pool(["--workers", "2"], ["garbage-on", "9"], input: Self.numbers(0..<30))
            try Self.expectAnswers(result, count: 30, failed: (9, "codecFailure"))
        }

        @Test("a line that is not a value is a job failing with badLine; blank lines are no jobs")
        func badLine() throws {
            let input = "1\n\n[1,\n  \n3\n{\"a\":}\n5"
            let result = try Self.pool(["--workers", "2"], ["echo"], input: input)
            #expect(result.status == 0, "\(result.error)")
            let lines = try Self.lines(result)
            #expect(lines.map(\.job) == [0, 1, 2, 3, 4])
            #expect(lines.map(\.ok) == [1, nil, 3, nil, 5])
            #expect(lines[1].error?.code == "badLine")
            #expect(lines[1].error?.message.hasPrefix("line 3, column 4: ") == true, "\(lines[1])")
            #expect(lines[3].error?.code == "badLine")
            #expect(lines[3].error?.message.hasPrefix("line 6, column 6: ") == true, "\(lines[3])")
        }

        @Test("workers that die at start-up: one line on standard error, exit 70")
        func dieAtStart() throws {
            let result = try Self.pool(["--workers", "2"], ["die-at-start"], input: Self.numbers(0..<20))
            #expect(result.status == 70)
            let ours = result.error.split(separator: "\n").filter { $0.hasPrefix("gipc pool: ") }
            #expect(ours.count == 1, "\(result.error)")
            #expect(ours.first?.hasPrefix("gipc pool: poolFailed: ") == true)
            #expect(ours.first?.contains("before they were ready") == true)
            // The workers' standard error passes through.
            #expect(result.error.contains("worker: cannot start"))
            #expect(try Self.lines(result).count < 20)
        }

        @Test("an executable that does not exist: one line on standard error, exit 70")
        func missingExecutable() throws {
            let result = try runGIPC(["pool", "--", "/nonexistent/gipc-worker"], input: Array("1\n".utf8))
            #expect(result.status == 70)
            #expect(result.output.isEmpty)
            #expect(
                result.error.hasPrefix("gipc pool: executableNotFound: cannot start a worker: "),
                "\(result.error)")
            #expect(result.error.filter { $0 == "\n" }.count == 1)
        }

        @Test(
            "usage errors exit 64",
            arguments: [
                [], ["--"], ["python3"], ["--workers", "0", "--", "python3"], ["--timeout", "abc", "--", "python3"],
                ["--timeout", "2", "--", "python3"], ["--timeout", "0ms", "--", "python3"],
                ["--max-jobs-per-worker", "0", "--", "python3"],
            ] as [[String]])
        func usageError(arguments: [String]) throws {
            let result = try runGIPC(["pool"] + arguments, input: Array("1\n".utf8))
            #expect(result.status == 64, "\(result.error)")
            #expect(result.output.isEmpty)
        }

        @Test("--max-jobs-per-worker 3: each worker process answers at most 3 jobs, then another takes over")
        func recycling() throws {
            let result = try Self.pool(
                ["--workers", "1", "--max-jobs-per-worker", "3"], ["pid"], input: Self.numbers(0..<12))
            #expect(result.status == 0, "\(result.error)")
            let pids = try Self.lines(result).compactMap(\.ok)
            #expect(pids.count == 12)
            let counts = Dictionary(grouping: pids, by: { $0 }).mapValues(\.count)
            #expect(counts.count >= 4, "\(counts)")
            #expect(counts.values.allSatisfy { $0 <= 3 }, "\(counts)")
        }

        @Test("100,000 jobs streamed through echo all come back, in order")
        func manyJobs() throws {
            let count = 100_000
            let result = try Self.pool(["--workers", "8"], ["echo"], input: Self.numbers(0..<count))
            #expect(result.status == 0, "\(result.error)")
            let text = result.text
            #expect(text.reduce(0) { $1 == "\n" ? $0 + 1 : $0 } == count)
            let lines = text.split(separator: "\n")
            for index in [0, 1, 4_321, 65_536, count - 1] {
                #expect(lines[index] == "{\"job\":\(index),\"ok\":\(index)}")
            }
        }

        @Test("each line comes out while the input is still open, as soon as its job is answered")
        func answersBeforeTheInputEnds() throws {
            let input = TestPipe()
            let output = TestPipe()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Interop.gipc)
            process.arguments = ["pool", "--workers", "1", "--", "python3", Interop.peer("pool_worker.py"), "square"]
            process.standardInput = FileHandle(fileDescriptor: input.readFD, closeOnDealloc: false)
            process.standardOutput = FileHandle(fileDescriptor: output.writeFD, closeOnDealloc: false)
            try process.run()
            close(input.readFD)
            close(output.writeFD)
            // However the test ends, the end of input lets gipc finish.
            var inputFD = input.writeFD
            defer {
                if inputFD >= 0 { close(inputFD) }
                process.waitUntilExit()
                close(output.readFD)
            }
            var received: [UInt8] = []
            for (index, value) in [7, 12, 30].enumerated() {
                let line = Array("\(value)\n".utf8)
                #expect(line.withUnsafeBytes { write(inputFD, $0.baseAddress, $0.count) } == line.count)
                let answer = try #require(Self.readLine(output.readFD, buffer: &received, timeout: .seconds(20)))
                #expect(answer == "{\"job\":\(index),\"ok\":\(value * value)}")
            }
            close(inputFD)
            inputFD = -1
            #expect(Self.readLine(output.readFD, buffer: &received, timeout: .seconds(20)) == nil)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }

        @Test("--progress prints nothing when standard error is not a terminal; --help documents the lines")
        func progressAndHelp() throws {
            let result = try Self.pool(["--progress", "--workers", "2"], ["echo"], input: Self.numbers(0..<50))
            #expect(result.status == 0)
            #expect(result.error == "")
            #expect(try Self.lines(result).count == 50)
            let help = try runGIPC(["pool", "--help"])
            #expect(help.status == 0)
            for text in ["USAGE: gipc pool", "{\"job\":INDEX,\"ok\":VALUE}", "badLine", "Exit status", "70"] {
                #expect(help.text.contains(text), "\(text)")
            }
        }

        /// The next line on `fd` (without its newline), waiting at most `timeout` in all; `nil` at the end or
        /// when the time is up.
        static func readLine(_ fd: Int32, buffer: inout [UInt8], timeout: Duration) -> String? {
            let deadline = ContinuousClock.now + timeout
            while true {
                if let newline = buffer.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[..<newline], as: UTF8.self)
                    buffer.removeFirst(newline + 1)
                    return line
                }
                let left = deadline - ContinuousClock.now
                guard left > .zero else { return nil }
                var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&entry, 1, Int32(left / .milliseconds(1)) + 1) > 0 else { continue }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard count > 0 else { return nil }
                buffer += chunk[..<count]
            }
        }
    }
}
