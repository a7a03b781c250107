import GIPCTestEntries
import Synchronization
import Testing

@testable import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// Back-pressure, streaming in bounded memory, recycling and the number of workers.
    @Suite struct PoolCapacityTests {
        @Test func submittersWaitWhileTheQueueIsFull() async throws {
            var options = PoolOptions(workers: 1)
            options.queueCapacity = 2
            try await GIPC.withPool(ChaosWorker.self, options: options) { pool in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<10 {
                        group.addTask { try await pool.submit(.sleep(milliseconds: 20, value: index)) }
                    }
                    #expect(await eventually { pool.statistics.running == 1 })
                    let statistics = pool.statistics
                    // Held submitters count as queued, but the queue itself never holds more than its capacity.
                    #expect(statistics.queued <= 9)
                    #expect(pool.core.state.withLock { $0.queue.count } <= 2)
                    var results: [Int] = []
                    for try await value in group { results.append(value) }
                    #expect(results.sorted() == Array(0..<10))
                }
            }
        }

        @Test func aMillionStreamedJobsRunInBoundedMemory() async throws {
            let jobs = 0..<1_000_000  // produced one at a time, never stored
            try await GIPC.withPool(SquareWorker.self, options: PoolOptions(workers: 2)) { pool in
                var count = 0
                var checksum = 0
                var residentAfterWarmUp = 0
                for try await outcome in pool.map(jobs, chunkSize: 128) {
                    checksum &+= try outcome.get()
                    count += 1
                    if count == 50_000 { residentAfterWarmUp = PoolWorkerDriver.residentBytes(of: getpid()) ?? 0 }
                }
                let resident = PoolWorkerDriver.residentBytes(of: getpid()) ?? 0
                #expect(count == 1_000_000)
                #expect(checksum == (0..<1_000_000).reduce(0) { $0 &+ $1 &* $1 })
                // A million jobs read at once would hold tens of megabytes of jobs and outcomes.
                #expect(resident - residentAfterWarmUp < 24 << 20, "grew by \(resident - residentAfterWarmUp) bytes")
            }
        }

        @Test func workersAreReplacedAfterTheirJobLimit() async throws {
            var options = PoolOptions(workers: 1)
            options.maxJobsPerWorker = 5
            try await GIPC.withPool(ChaosWorker.self, options: options) { pool in
                var pids: [Int] = []
                for _ in 0..<20 { pids.append(try await pool.submit(.pid)) }
                for start in stride(from: 0, to: 20, by: 5) { #expect(Set(pids[start..<start + 5]).count == 1) }
                #expect(Set(pids).count == 4)
                #expect(await eventually { pool.statistics.recycled >= 3 })
                #expect(pool.statistics.restarts == 0)
            }
        }

        @Test func workersOverTheirMemoryLimitAreReplaced() async throws {
            var options = PoolOptions(workers: 1)
            options.maxWorkerMemoryBytes = 1  // every worker is over it after its first job
            try await GIPC.withPool(ChaosWorker.self, options: options) { pool in
                var pids: [Int] = []
                for _ in 0..<3 { pids.append(try await pool.submit(.pid)) }
                #expect(Set(pids).count == 3)
            }
        }

        @Test func idleWorkersAboveTheMinimumStop() async throws {
            var options = PoolOptions(workers: 2)
            options.minWorkers = 0
            options.idleTimeout = .milliseconds(200)
            try await GIPC.withPool(ChaosWorker.self, options: options) { pool in
                #expect(pool.statistics.workers == 0)
                async let first = pool.submit(.sleep(milliseconds: 100, value: 1))
                async let second = pool.submit(.sleep(milliseconds: 100, value: 2))
                let results = try await (first, second)
                #expect(results == (1, 2))
                #expect(await eventually { pool.statistics.workers == 0 })
                let third = try await pool.submit(.value(3))
                #expect(third == 3)
            }
        }
    }
}
