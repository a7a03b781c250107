import Foundation
import GIPCKit
import GIPCQueue

extension BenchWorkload {
    /// `count` trivial jobs (the pool workload's record, echoed) end to end through the job queue in PostgreSQL:
    /// submitted in batches of 500 with at most 2,000 awaited at once, leased by this process serving the queue with
    /// a pool of two workers, their results awaited and each checked against its job. The database is
    /// `GIPC_BENCH_DATABASE_URL`, else the PG environment variables. Figures: jobs per second, and the median time
    /// from a job's submission to its result.
    static func queue(count: Int, into result: inout BenchResult) async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = try DatabaseSettings.from(url: environment["GIPC_BENCH_DATABASE_URL"])
        var poolOptions = PoolOptions(workers: 2)
        poolOptions.standardError = .inherit
        poolOptions.queueCapacity = 512
        poolOptions.jobsInFlightPerWorker = 4
        var options = WorkerOptions()
        options.prefetch = 512
        options.maxLeaseBatch = 256
        let workerOptions = options
        let name = "bench-\(UUID().uuidString.prefix(8))"
        let (seconds, latencies) = try await GIPC.withPool(BenchPoolEcho.self, options: poolOptions) { pool in
            try await JobQueue.withQueue(settings, name: name) { queue in
                let serving = Task { try await queue.serve(pool, options: workerOptions) }
                do {
                    let measured = try await measureQueue(queue, count: count)
                    serving.cancel()
                    try await serving.value
                    return measured
                } catch {
                    serving.cancel()
                    _ = try? await serving.value
                    throw error
                }
            }
        }
        result.parameters = ["jobs": count, "workers": 2, "batch": queueBatch, "window": queueWindow]
        result.add("throughput", Double(count) / Self.seconds(seconds), "jobs/s")
        result.add("p50", Self.seconds(latencies[latencies.count / 2]) * 1000, "ms", better: "lower")
    }

    private static let queueBatch = 500
    private static let queueWindow = 2_000

    /// Submits and awaits `count` jobs on a served queue; returns the time it took and each job's latency, sorted.
    private static func measureQueue(_ queue: JobQueue, count: Int) async throws -> (Duration, [Duration]) {
        let jobs = (0..<count).map { BenchPoolJob(id: $0) }
        // Warm-up: the workers have started and the connections are open.
        for handle in try await queue.submit(batch: Array(jobs.prefix(8)), returning: BenchPoolJob.self) {
            _ = try await handle.result(timeout: .seconds(60))
        }
        let clock = ContinuousClock()
        let start = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            var submitted = 0
            var awaited = 0
            var latencies: [Duration] = []
            latencies.reserveCapacity(count)
            while submitted < count {
                while submitted - awaited >= queueWindow, let done = try await group.next() {
                    awaited += done.count
                    latencies += done
                }
                let end = min(submitted + queueBatch, count)
                let sent = clock.now
                let handles = try await queue.submit(batch: Array(jobs[submitted..<end]), returning: BenchPoolJob.self)
                let first = submitted
                group.addTask {
                    var times: [Duration] = []
                    for (offset, result) in try await queue.results(of: handles, timeout: .seconds(120)).enumerated() {
                        guard try result.get() == jobs[first + offset] else {
                            throw BenchError.unexpected("job \(first + offset) came back altered")
                        }
                        times.append(clock.now - sent)
                    }
                    return times
                }
                submitted = end
            }
            for try await done in group { latencies += done }
            return latencies
        }
        guard latencies.count == count else {
            throw BenchError.unexpected("\(latencies.count) of \(count) jobs answered")
        }
        return (clock.now - start, latencies.sorted())
    }
}
