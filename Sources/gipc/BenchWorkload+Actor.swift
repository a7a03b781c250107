import GIPCActors
import GIPCKit

extension BenchWorkload {
    /// Remote calls of `echo` with a 100-byte argument on an actor hosted in a child: round-trip percentiles and
    /// calls/s with one caller, then calls/s (and percentiles) with 64 concurrent callers.
    static func actorCalls(count: Int, into result: inout BenchResult) async throws {
        let system = GIPCActorSystem()
        do {
            let actor = try await system.host(BenchActor.self)
            let payload = [UInt8](repeating: 0x61, count: 100)
            for _ in 0..<1000 { _ = try await actor.echo(payload) }
            let clock = ContinuousClock()
            var trips: [Duration] = []
            trips.reserveCapacity(count)
            let start = clock.now
            for _ in 0..<count {
                let begin = clock.now
                let answer = try await actor.echo(payload)
                trips.append(clock.now - begin)
                guard answer.count == payload.count else { throw BenchError.unexpected("a wrong answer") }
            }
            let single = Self.seconds(clock.now - start)
            let callers = 64
            let concurrentStart = clock.now
            let concurrentTrips = try await withThrowingTaskGroup(of: [Duration].self) { group in
                for caller in 0..<callers {
                    let share = count / callers + (caller < count % callers ? 1 : 0)
                    group.addTask {
                        var trips: [Duration] = []
                        trips.reserveCapacity(share)
                        for _ in 0..<share {
                            let begin = clock.now
                            _ = try await actor.echo(payload)
                            trips.append(clock.now - begin)
                        }
                        return trips
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let concurrent = Self.seconds(clock.now - concurrentStart)
            trips.sort()
            let sortedConcurrent = concurrentTrips.sorted()
            result.parameters = ["bytes": payload.count, "calls": count, "callers": callers]
            result.add("p50", Self.seconds(trips[count / 2]) * 1e6, "us", better: "lower")
            result.add("p99", Self.seconds(trips[min(count - 1, count * 99 / 100)]) * 1e6, "us", better: "lower")
            result.add("calls_1", Double(count) / single, "calls/s")
            result.add("calls_64", Double(count) / concurrent, "calls/s")
            let total = sortedConcurrent.count
            result.add("p50_64", Self.seconds(sortedConcurrent[total / 2]) * 1e6, "us", better: "lower")
            result.add(
                "p99_64", Self.seconds(sortedConcurrent[min(total - 1, total * 99 / 100)]) * 1e6, "us",
                better: "lower")
        } catch {
            await system.shutdown(gracePeriod: .seconds(1))
            throw error
        }
        await system.shutdown(gracePeriod: .seconds(1))
    }
}
