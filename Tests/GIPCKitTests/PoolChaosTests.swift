import GIPCTestEntries
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
            let (outcomes, kills) = try await GIPC.withPool(ChaosWorker.self, options: options) { pool in
                let jobs = (0..<jobCount).map { ChaosJob.sleep(milliseconds: $0 % 3, value: $0) }
                var outcomes: [PoolOutcome<Int>] = []
                var kills = 0
                // A random worker is killed after every 10 to 30 outcomes: paced by the pool's progress, not by the
                // clock, so a slow machine (workers slow to start) gets as many kills per job as a fast one.
                var random = SystemRandomNumberGenerator()
                var nextKill = Int.random(in: 10...30, using: &random)
                for try await outcome in pool.map(jobs, ordered: false) {
                    outcomes.append(outcome)
                    guard outcomes.count == nextKill else { continue }
                    nextKill += Int.random(in: 10...30, using: &random)
                    if let pid = pool.statistics.workerProcessIDs.randomElement(using: &random), kill(pid, SIGKILL) == 0
                    {
                        kills += 1
                    }
                }
                return (outcomes, kills)
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
                "pool chaos (\(jobsInFlight) in flight per worker): jobs \(jobCount), kills \(kills), "
                    + "results \(results), errors \(errors), lost \(lost)")
            #expect(lost == 0)
            #expect(kills > 10)
            #expect(errors <= kills)
            #expect(zombieChildren().isEmpty)
        }
    }
}
