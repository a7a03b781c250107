import GIPCTestEntries
import Testing

@testable import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// Pools of a Python worker (Tests/Interop/pool_worker.py): jobs on fd 3, one msgpack result frame per job on fd 4.
    @Suite struct PoolExecutableTests {
        static func withPythonPool(
            _ mode: [String], options: PoolOptions = PoolOptions(workers: 2),
            _ body: (ProcessPool<Int, Int>) async throws -> Void
        ) async throws {
            try await GIPC.withPool(
                executable: "python3", arguments: [Interop.peer("pool_worker.py")] + mode, job: Int.self,
                result: Int.self, options: options
            ) { pool in try await body(pool) }
        }

        @Test func aPythonPoolAnswersEveryJobInOrder() async throws {
            try await Self.withPythonPool(["square"]) { pool in
                var next = 0
                for try await outcome in pool.map(0..<300) {
                    #expect(outcome.index == next)
                    #expect(try outcome.get() == next * next)
                    next += 1
                }
                #expect(next == 300)
                #expect(try await pool.submit(12) == 144)
            }
        }

        @Test func aPythonWorkerThatDiesFailsOneJob() async throws {
            var options = PoolOptions(workers: 2)
            options.standardError = .discard
            try await Self.withPythonPool(["crash-on", "7"], options: options) { pool in
                var failures: [Int: GIPCError] = [:]
                for try await outcome in pool.map(0..<50, ordered: false) {
                    switch outcome.result {
                    case .success(let value): #expect(value == outcome.index)
                    case .failure(let error): failures[outcome.index] = error
                    }
                }
                #expect(Array(failures.keys) == [7])
                #expect(failures[7]?.code == .workerCrashed)
                #expect(failures[7]?.exitStatus == .signaled(SIGKILL))
            }
        }

        @Test func garbageFromAWorkerFailsThatJobAsACodecFailure() async throws {
            try await Self.withPythonPool(["garbage-on", "3"]) { pool in
                var codes: [Int: GIPCError.Code] = [:]
                for try await outcome in pool.map(0..<20) {
                    if case .failure(let error) = outcome.result { codes[outcome.index] = error.code }
                }
                #expect(codes == [3: .codecFailure])
                #expect(pool.statistics.restarts == 0)
            }
        }

        @Test func jobsThatCrashTheirWorkersDoNotFailThePool() async throws {
            var options = PoolOptions(workers: 1)
            options.standardError = .discard
            try await Self.withPythonPool(["crash-on", "1"], options: options) { pool in
                // Every fresh worker dies on its first job, ten times in a row: crashes, not a failure to start.
                let jobs = [0] + Array(repeating: 1, count: 10) + [2]
                var codes: [GIPCError.Code?] = []
                for try await outcome in pool.map(jobs) {
                    if case .failure(let error) = outcome.result { codes.append(error.code) } else { codes.append(nil) }
                }
                #expect(codes == [nil] + Array(repeating: .workerCrashed, count: 10) + [nil])
            }
        }

        @Test func largeChunksToAnExecutableDoNotFillBothPipes() async throws {
            let text = String(repeating: "x", count: 64 << 10)
            try await GIPC.withPool(
                executable: "python3", arguments: [Interop.peer("pool_worker.py"), "echo"], job: String.self,
                result: String.self, options: PoolOptions(workers: 1)
            ) { pool in
                var count = 0
                for try await outcome in pool.map(Array(repeating: text, count: 128), chunkSize: 64) {
                    #expect(try outcome.get().count == text.count)
                    count += 1
                }
                #expect(count == 128)
            }
        }

        @Test func aSlowPythonJobTimesOut() async throws {
            var options = PoolOptions(workers: 1)
            options.jobTimeout = .milliseconds(500)
            try await Self.withPythonPool(["sleep-on", "1", "30"], options: options) { pool in
                let error = await gipcError { _ = try await pool.submit(1) }
                #expect(error?.code == .timedOut)
                let after = try await pool.submit(4)
                #expect(after == 4)
            }
        }

        @Test func aPythonWorkerThatCannotStartFailsThePool() async throws {
            var options = PoolOptions(workers: 2)
            options.standardError = .discard
            options.restartDelay = .milliseconds(5)
            try await Self.withPythonPool(["die-at-start"], options: options) { pool in
                // The workers die before reading a job: no job ran, so none fails with a crash of its own.
                let error = await gipcError { _ = try await pool.submit(1) }
                #expect(error?.code == .poolFailed)
                #expect(error?.exitStatus == .exited(1))
            }
        }
    }
}
