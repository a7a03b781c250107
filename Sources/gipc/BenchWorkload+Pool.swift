import GIPCKit

extension BenchWorkload {
    /// `count` small jobs echoed by a pool of two workers through `map`, `chunkSize` jobs per frame and `inFlight`
    /// frames sent to a worker ahead of its answers; every result is checked against its job. The pool's start-up
    /// is not timed (one warm-up round first).
    static func pool(count: Int, chunkSize: Int, inFlight: Int, into result: inout BenchResult) async throws {
        var options = PoolOptions(workers: 2)
        options.standardError = .inherit
        options.jobsInFlightPerWorker = inFlight
        let jobs = (0..<count).map { BenchPoolJob(id: $0) }
        let seconds = try await GIPC.withPool(BenchPoolEcho.self, options: options) { pool in
            for try await outcome in pool.map(jobs.prefix(4)) { _ = try outcome.get() }
            let clock = ContinuousClock()
            let start = clock.now
            var received = 0
            for try await outcome in pool.map(jobs, chunkSize: chunkSize) {
                guard try outcome.get() == jobs[outcome.index] else {
                    throw BenchError.unexpected("job \(outcome.index) came back altered")
                }
                received += 1
            }
            guard received == count else { throw BenchError.unexpected("\(received) of \(count) jobs answered") }
            return clock.now - start
        }
        result.parameters = ["messages": count, "workers": 2, "chunksize": chunkSize, "in_flight": inFlight]
        result.add("throughput", Double(count) / Self.seconds(seconds), "msg/s")
    }
}
