import Foundation
import GIPCKit
import GIPCQueue
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension QueueTests {
    /// Several worker hosts as separate processes (`gipc worker`): throughput with every result accounted for, a host
    /// killed mid-job, the database restarted mid-run.
    @Suite(.serialized)
    struct QueueHostsTests {
        @Test(.timeLimit(.minutes(3)))
        func hundredThousandJobsThroughThreeHosts() async throws {
            let name = TestDatabase.queueName("100k")
            let hosts = try (0..<3).map {
                try WorkerHost(queue: name, name: "host\($0)", workers: 2, extra: ["--prefetch", "200"])
            }
            defer { for host in hosts { host.send(SIGKILL) } }
            for host in hosts { try await host.waitUntilServing() }
            let count = 100_000
            let start = ContinuousClock.now
            try await JobQueue.withQueue(try TestDatabase.settings(), name: name) { queue in
                let handles = try await queue.submit(batch: Array(0..<count), returning: Int.self)
                let results = try await queue.results(of: handles, timeout: .seconds(120))
                let wrong = results.enumerated().filter { (try? $0.element.get()) != 2 * $0.offset }.count
                #expect(wrong == 0)
                let status = try await queue.status()
                #expect(status[.succeeded] == count && status.total == count)
            }
            let counts = try TestDatabase.psql(
                """
                SELECT count(*), count(DISTINCT a.job_id), count(DISTINCT a.host) FROM gipc_queue.attempts a
                JOIN gipc_queue.jobs j ON j.id = a.job_id WHERE j.queue = '\(name)'
                """)
            #expect(counts == "\(count)|\(count)|3")
            print("queue: \(count) jobs through 3 hosts in \(ContinuousClock.now - start), results checked: \(counts)")
            for host in hosts { await host.stop() }
        }

        @Test(.timeLimit(.minutes(2)))
        func aHostKilledMidJobLosesNothing() async throws {
            let name = TestDatabase.queueName("kill")
            let log = ExecutionLog("kill")
            defer { log.remove() }
            let victim = try WorkerHost(queue: name, name: "victim", workers: 2, lease: "1s", log: log.path)
            let survivor = try WorkerHost(queue: name, name: "survivor", workers: 2, lease: "1s", log: log.path)
            defer {
                victim.send(SIGKILL)
                survivor.send(SIGKILL)
            }
            try await victim.waitUntilServing()
            try await survivor.waitUntilServing()
            let count = 60
            try await JobQueue.withQueue(try TestDatabase.settings(), name: name) { queue in
                let handles = try await queue.submit(
                    batch: (0..<count).map { JobSpec(n: $0, sleep: 0.2) }, returning: Int.self,
                    options: JobOptions(maxAttempts: 5))
                // Kill the victim while it runs jobs.
                let busy = try await eventually(within: .seconds(30)) {
                    try TestDatabase.psql(
                        "SELECT count(*) FROM gipc_queue.jobs WHERE queue = '\(name)' AND lease_owner = 'victim'")
                        != "0"
                }
                #expect(busy)
                victim.send(SIGKILL)
                _ = await victim.join()
                let results = try await queue.results(of: handles, timeout: .seconds(60))
                let wrong = results.enumerated().filter { (try? $0.element.get()) != 2 * $0.offset }.count
                #expect(wrong == 0)
            }
            let runs = log.runs()
            let lost = (0..<count).filter { runs[$0] == nil }
            let duplicated = runs.filter { $0.value > 1 }.map(\.key).sorted()
            // Every job that ran twice had an attempt on the victim that expired: duplicates only for killed attempts.
            let expired = try TestDatabase.psql(
                """
                SELECT coalesce(string_agg(j.id::text, ','), '') FROM gipc_queue.jobs j
                WHERE j.queue = '\(name)' AND EXISTS (SELECT 1 FROM gipc_queue.attempts a WHERE a.job_id = j.id
                    AND a.host = 'victim' AND a.outcome = 'expired')
                """
            ).split(separator: ",").count
            let perAttempt = try TestDatabase.psql(
                """
                SELECT count(*) FILTER (WHERE outcome = 'succeeded'), count(*) FILTER (WHERE outcome = 'expired'),
                    count(*) FILTER (WHERE outcome IS NULL) FROM gipc_queue.attempts a
                JOIN gipc_queue.jobs j ON j.id = a.job_id WHERE j.queue = '\(name)'
                """)
            #expect(lost.isEmpty)
            #expect(expired >= 1)
            #expect(duplicated.count <= expired)
            #expect(perAttempt == "\(count)|\(expired)|0")
            print(
                "queue: kill test: \(count) jobs, 1 host killed, lost \(lost.count), ran twice \(duplicated.count) "
                    + "(jobs with an expired attempt on the killed host: \(expired))")
            await survivor.stop()
        }

        @Test(.timeLimit(.minutes(2)))
        func aDatabaseRestartLosesNothing() async throws {
            let directory = try TestDatabase.clusterDirectory()
            let name = TestDatabase.queueName("restart")
            let host = try WorkerHost(queue: name, name: "restart-host", workers: 2, lease: "5s")
            defer { host.send(SIGKILL) }
            try await host.waitUntilServing()
            let count = 3_000
            try await JobQueue.withQueue(try TestDatabase.settings(), name: name) { queue in
                // Submitting and awaiting go on while the server restarts.
                let producer = Task {
                    var handles: [JobHandle<Int>] = []
                    for batch in 0..<30 {
                        handles += try await queue.submit(
                            batch: Array((batch * 100)..<(batch * 100 + 100)), returning: Int.self)
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    return handles
                }
                try await Task.sleep(for: .milliseconds(400))
                // Started with GIPCKit's own process API, which watches the script through a pidfd.
                let restart = try await GIPC.start(
                    executable: QueueTestPrograms.cluster, arguments: ["restart", directory], standardOutput: .discard)
                let restarted = try await restart.join(timeout: .seconds(60))
                #expect(restarted == .exited(0))
                let handles = try await producer.value
                #expect(handles.count == count)
                let results = try await queue.results(of: handles, timeout: .seconds(60))
                let wrong = results.enumerated().filter { (try? $0.element.get()) != 2 * $0.offset }.count
                #expect(wrong == 0)
                let status = try await queue.status()
                #expect(status[.succeeded] == count && status.total == count)
            }
            print("queue: database restart: \(count) jobs, 1 restart, all \(count) results checked")
            await host.stop()
        }

        @Test(.timeLimit(.minutes(1)))
        func aGracefulStopReturnsOrFinishesItsLeases() async throws {
            let name = TestDatabase.queueName("graceful")
            let host = try WorkerHost(queue: name, name: "graceful", workers: 2, lease: "30s")
            defer { host.send(SIGKILL) }
            try await host.waitUntilServing()
            try await JobQueue.withQueue(try TestDatabase.settings(), name: name) { queue in
                // Two jobs that outlast the grace period (2 s), and ones that finish.
                let long = try await queue.submit(
                    batch: [JobSpec(n: 1, sleep: 30), JobSpec(n: 2, sleep: 30)], returning: Int.self)
                let running = try await eventually(within: .seconds(20)) {
                    let first = try await long[0].state()
                    let second = try await long[1].state()
                    return first == .running && second == .running
                }
                #expect(running)
                host.send(SIGTERM)
                #expect(await host.join(within: .seconds(20)) == 0)
                // Returned at once, not after the 30 s lease: queued again, the attempt not counted against the limit.
                for handle in long {
                    let state = try await handle.state()
                    #expect(state == .queued)
                }
                let attempts = try TestDatabase.psql(
                    """
                    SELECT string_agg(a.outcome, ',') FROM gipc_queue.attempts a JOIN gipc_queue.jobs j ON j.id = a.job_id
                    WHERE j.queue = '\(name)'
                    """)
                #expect(attempts == "returned,returned")
            }
        }
    }
}
