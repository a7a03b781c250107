import GIPCTestEntries
import Testing

@testable import GIPCKit

extension ProcessTests {
    /// Per-job timeouts and cancellation: the job fails, its worker is replaced, the others are untouched.
    @Suite struct PoolTimeoutTests {

        @Test func aJobOverItsTimeoutFailsAndItsWorkerIsReplaced() async throws {
            var options = PoolOptions(workers: 1)
            options.jobTimeout = .milliseconds(300)
            try await GIPC.withPool(ChaosWorker.self, options: options) { pool in
                let before = try await pool.submit(.pid)
                let error = await gipcError { _ = try await pool.submit(.sleep(milliseconds: 60_000, value: 1)) }
                #expect(error?.code == .timedOut)
                let after = try await pool.submit(.pid)
                #expect(before != after)
            }
        }

        @Test func theTimeoutCountsFromWhenTheJobStarts() async throws {
            var options = PoolOptions(workers: 1)
            options.jobTimeout = .milliseconds(700)
            try await GIPC.withPool(ChaosWorker.self, options: options) { pool in
                // Each runs 400 ms; the second waits 400 ms first, 800 ms in all, and still makes its limit.
                async let first = pool.submit(.sleep(milliseconds: 400, value: 1))
                try await Task.sleep(for: .milliseconds(50))
                async let second = pool.submit(.sleep(milliseconds: 400, value: 2))
                let results = try await (first, second)
                #expect(results == (1, 2))
            }
        }

        @Test func cancellingAQueuedJobTakesItOutOfTheQueue() async throws {
            try await GIPC.withPool(ChaosWorker.self, options: PoolOptions(workers: 1)) { pool in
                let busy = Task { try await pool.submit(.sleep(milliseconds: 500, value: 1)) }
                #expect(await eventually { pool.statistics.running == 1 })
                let queued = Task { try await pool.submit(.value(2)) }
                #expect(await eventually { pool.statistics.queued == 1 })
                queued.cancel()
                await #expect(throws: CancellationError.self) { try await queued.value }
                let busyValue = try await busy.value
                #expect(busyValue == 1)
                #expect(pool.statistics.completed == 1)
                #expect(pool.statistics.restarts == 0)
            }
        }

        @Test func cancellingARunningJobStopsItsWorker() async throws {
            try await GIPC.withPool(ChaosWorker.self, options: PoolOptions(workers: 1)) { pool in
                let before = try await pool.submit(.pid)
                let running = Task { try await pool.submit(.sleep(milliseconds: 60_000, value: 1)) }
                #expect(await eventually { pool.statistics.running == 1 })
                running.cancel()
                await #expect(throws: CancellationError.self) { try await running.value }
                let after = try await pool.submit(.pid)
                #expect(before != after)
            }
        }

        @Test func leavingAMapEarlyCancelsTheRest() async throws {
            try await GIPC.withPool(ChaosWorker.self, options: PoolOptions(workers: 2)) { pool in
                let jobs = (0..<10_000).map { ChaosJob.sleep(milliseconds: 1, value: $0) }
                var taken = 0
                for try await outcome in pool.map(jobs) {
                    #expect(try outcome.get() == outcome.index)
                    taken += 1
                    if taken == 20 { break }
                }
                #expect(await eventually { pool.statistics.queued == 0 && pool.statistics.running == 0 })
                #expect(pool.statistics.completed < 200)
            }
        }

        @Test func aWorkerThatIgnoresTheEndOfItsJobsIsStoppedAfterTheGracePeriod() async throws {
            var options = PoolOptions(workers: 2)
            options.gracePeriod = .milliseconds(200)
            let clock = ContinuousClock()
            let start = clock.now
            var pids: [Int32] = []
            try await GIPC.withPool(
                executable: "sleep", arguments: ["1000"], job: Int.self, result: Int.self, options: options
            ) {
                pool in
                #expect(await eventually { pool.statistics.workers == 2 })
                pids = pool.statistics.workerProcessIDs
            }
            #expect(clock.now - start < .seconds(10))
            for pid in pids { #expect(processState(pid) == nil) }
        }

        @Test func throwingOutOfThePoolStopsItsWorkers() async throws {
            struct Stop: Error {}
            var pids: [Int32] = []
            await #expect(throws: Stop.self) {
                try await GIPC.withPool(ChaosWorker.self, options: PoolOptions(workers: 2)) { pool in
                    let waiting = Task { try await pool.submit(.sleep(milliseconds: 60_000, value: 1)) }
                    #expect(await eventually { pool.statistics.running == 1 && pool.statistics.workers == 2 })
                    pids = pool.statistics.workerProcessIDs
                    _ = waiting
                    throw Stop()
                }
            }
            #expect(pids.count == 2)
            for pid in pids { #expect(processState(pid) == nil, "worker \(pid) outlived the pool") }
        }
    }
}
