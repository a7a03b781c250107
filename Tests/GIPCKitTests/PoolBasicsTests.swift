import GIPCTestEntries
import Testing

@testable import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// A pool of Swift workers: results, ordering, failures of single jobs.
    @Suite struct PoolBasicsTests {
        @Test func submitReturnsEachResult() async throws {
            try await GIPC.withPool(SquareWorker.self, options: PoolOptions(workers: 2)) { pool in
                try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                    for value in 0..<200 { group.addTask { (value, try await pool.submit(value)) } }
                    for try await (value, square) in group { #expect(square == value * value) }
                }
                let statistics = pool.statistics
                #expect(statistics.completed == 200)
                #expect(statistics.failed == 0)
            }
        }

        @Test(arguments: [1, 7])
        func mapKeepsInputOrder(chunkSize: Int) async throws {
            try await GIPC.withPool(SquareWorker.self, options: PoolOptions(workers: 2)) { pool in
                var expected = 0
                for try await outcome in pool.map(0..<1000, chunkSize: chunkSize) {
                    #expect(outcome.index == expected)
                    #expect(try outcome.get() == expected * expected)
                    expected += 1
                }
                #expect(expected == 1000)
            }
        }

        @Test func unorderedMapDeliversEveryJobOnce() async throws {
            try await GIPC.withPool(SquareWorker.self, options: PoolOptions(workers: 2)) { pool in
                var seen = Set<Int>()
                for try await outcome in pool.map(0..<500, ordered: false, chunkSize: 3) {
                    #expect(seen.insert(outcome.index).inserted)
                    #expect(try outcome.get() == outcome.index * outcome.index)
                }
                #expect(seen == Set(0..<500))
            }
        }

        @Test func aThrowingJobFailsAloneWithItsMessage() async throws {
            try await GIPC.withPool(ChaosWorker.self, options: PoolOptions(workers: 1)) { pool in
                let error = await gipcError { _ = try await pool.submit(.fail("no such user")) }
                #expect(error?.code == .jobFailed)
                #expect(error?.message.contains("no such user") == true)
                let five = try await pool.submit(.value(5))
                #expect(five == 5)
            }
        }

        @Test func aCrashFailsOnlyItsJobAndTheWorkerIsReplaced() async throws {
            try await GIPC.withPool(ChaosWorker.self, options: PoolOptions(workers: 1)) { pool in
                let first = try await pool.submit(.pid)
                let error = await gipcError { _ = try await pool.submit(.signal(SIGSEGV)) }
                #expect(error?.code == .workerCrashed)
                #expect(error?.exitStatus == .signaled(SIGSEGV))
                let second = try await pool.submit(.pid)
                #expect(first != second)
                #expect(pool.statistics.restarts == 1)
            }
        }
    }
}
