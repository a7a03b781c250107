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
    /// Workers killed at random moments under load: every job ends exactly once, as a result or an error.
    @Suite struct PoolChaosTests {

        @Test(arguments: [1, 4])
        func randomKillsLoseNoJob(jobsInFlight: Int) async throws {
            var options = PoolOptions(workers: 3)
            options.jobsInFlightPerWorker = jobsInFlight
            options.maxStartFailures = 10_000  // kills may land before a worker is ready
            options.restartDelay = .milliseconds(1)
            options.standardError = .discard
            let jobCount = 3000
            let kills = KillCount()
            let outcomes = try await GIPC.withPool(ChaosWorker.self, options: options) { pool in
                let killer = Task {
                    var random = SystemRandomNumberGenerator()
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(Int.random(in: 5...25, using: &random)))
                        if let pid = pool.statistics.workerProcessIDs.randomElement(using: &random),
                            kill(pid, SIGKILL) == 0
                        {
                            kills.value.add(1, ordering: .relaxed)
                        }
                    }
                }
                defer { killer.cancel() }
                let jobs = (0..<jobCount).map { ChaosJob.sleep(milliseconds: $0 % 3, value: $0) }
                var outcomes: [PoolOutcome<Int>] = []
                for try await outcome in pool.map(jobs, ordered: false) { outcomes.append(outcome) }
                return outcomes
            }
            var results = 0
            var errors = 0
            var seen = Set<Int>()
            for outcome in outcomes {
                #expect(seen.insert(outcome.index).inserted, "job \(outcome.index) ended twice")
                switch outcome.result {
                case .success(let value):
                    #expect(value == outcome.index)
                    results += 1
                case .failure(let error):
                    #expect(error.code == .workerCrashed, "job \(outcome.index): \(error)")
                    errors += 1
                }
            }
            let lost = jobCount - seen.count
            print(
                "pool chaos (\(jobsInFlight) in flight per worker): jobs \(jobCount), kills \(kills.value.load(ordering: .relaxed)), "
                    + "results \(results), errors \(errors), lost \(lost)")
            #expect(lost == 0)
            #expect(kills.value.load(ordering: .relaxed) > 10)
            #expect(errors <= kills.value.load(ordering: .relaxed))
            #expect(zombieChildren().isEmpty)
        }
    }
}

/// Kills counted by the chaos test's killer task.
private final class KillCount: Sendable {
    let value = Atomic(0)
}
