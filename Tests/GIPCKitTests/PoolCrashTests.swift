import GIPCTestEntries
import Testing

@testable import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// A worker that dies fails the job it ran and nothing else; the pool replaces it and goes on.
    @Suite struct PoolCrashTests {

        static let crashes: [(ChaosJob, ExitStatus)] = [
            (.exit(3), .exited(3)),
            (.signal(SIGKILL), .signaled(SIGKILL)),
            (.segfault, .signaled(SIGSEGV)),
            (.abort, .signaled(SIGABRT)),
        ]

        @Test(arguments: 0..<4)
        func aCrashMidJobFailsThatJobOnly(crash: Int) async throws {
            let (job, status) = Self.crashes[crash]
            var options = PoolOptions(workers: 2)
            options.standardError = .discard
            try await GIPC.withPool(ChaosWorker.self, options: options) { pool in
                try await withThrowingTaskGroup(of: (Int, Swift.Result<Int, GIPCError>).self) { group in
                    for index in 0..<40 {
                        group.addTask {
                            let chaos: ChaosJob = index == 20 ? job : .sleep(milliseconds: 2, value: index)
                            do { return (index, .success(try await pool.submit(chaos))) } catch let error as GIPCError {
                                return (index, .failure(error))
                            }
                        }
                    }
                    for try await (index, result) in group {
                        switch result {
                        case .success(let value):
                            #expect(index != 20)
                            #expect(value == index)
                        case .failure(let error):
                            #expect(index == 20, "job \(index) failed: \(error)")
                            #expect(error.code == .workerCrashed)
                            #expect(error.exitStatus == status)
                        }
                    }
                }
                let statistics = pool.statistics
                #expect(statistics.completed == 39)
                #expect(statistics.failed == 1)
                #expect(statistics.restarts == 1)
            }
        }

        @Test func aCrashCarriesTheLastLinesOfTheWorkersStandardError() async throws {
            try await GIPC.withPool(ChaosWorker.self, options: PoolOptions(workers: 1)) { pool in
                let lines = ["worker: about to fail", "worker: job 42", "worker: goodbye"]
                let error = await gipcError { _ = try await pool.submit(.sayAndDie(lines)) }
                #expect(error?.code == .workerCrashed)
                #expect(error?.exitStatus == .signaled(SIGKILL))
                #expect(error?.standardErrorTail?.suffix(3) == ArraySlice(lines))
            }
        }

        @Test func aCrashedJobRunsAgainOnlyWhenRetriesAreAsked() async throws {
            var options = PoolOptions(workers: 1)
            options.retries = 2
            options.standardError = .discard
            try await GIPC.withPool(ChaosWorker.self, options: options) { pool in
                // Dies on every attempt: three attempts, then the crash is reported.
                let error = await gipcError { _ = try await pool.submit(.signal(SIGKILL)) }
                #expect(error?.code == .workerCrashed)
                #expect(pool.statistics.restarts == 3)
                let value = try await pool.submit(.value(9))
                #expect(value == 9)
            }
        }

        @Test func aWorkerThatNeverStartsFailsThePoolQuickly() async throws {
            var options = PoolOptions(workers: 2)
            options.standardError = .discard
            options.restartDelay = .milliseconds(5)
            let clock = ContinuousClock()
            let start = clock.now
            try await GIPC.withPool(BrokenSetupWorker.self, options: options) { pool in
                let error = await gipcError { _ = try await pool.submit(1) }
                #expect(error?.code == .poolFailed)
                #expect(error?.exitStatus == .exited(1))
                let later = await gipcError { _ = try await pool.submit(2) }
                #expect(later?.code == .poolFailed)
            }
            #expect(clock.now - start < .seconds(20))
            #expect(zombieChildren().isEmpty)
        }

        @Test func aMissingWorkerIsReportedAtOnce() async throws {
            let error = await gipcError {
                try await GIPC.withPool(executable: "/nonexistent/worker", job: Int.self, result: Int.self) { _ in }
            }
            #expect(error?.code == .executableNotFound)
        }

        @Test func poolsLeaveNoDescriptorsAndNoZombies() async throws {
            var options = PoolOptions(workers: 2)
            options.standardError = .discard
            try await expectNoDescriptorLeak {
                try await GIPC.withPool(ChaosWorker.self, options: options) { pool in
                    for index in 0..<10 {
                        _ = try? await pool.submit(index % 3 == 0 ? .signal(SIGKILL) : .value(index))
                    }
                }
            }
            #expect(zombieChildren().isEmpty)
        }
    }
}
