import Foundation
import GIPCKit
import GIPCQueue
import Testing

extension QueueTests {
    /// Submitting, awaiting, batches, priorities, delays and cancellation, with an in-process worker host.
    @Suite(.serialized)
    struct QueueBasicsTests {
        @Test(.timeLimit(.minutes(1)))
        func submitAndAwaitTypedResults() async throws {
            try await JobQueue.withQueue(try TestDatabase.settings(), name: TestDatabase.queueName("basic")) { queue in
                try await withServedQueue(queue) { queue in
                    let handle = try await queue.submit(21, returning: Int.self)
                    let got1 = try await handle.result(timeout: .seconds(30))
                    #expect(got1 == 42)
                    let got2 = try await handle.state()
                    #expect(got2 == .succeeded)
                    let status = try await queue.status()
                    #expect(status[.succeeded] == 1 && status.total == 1)
                }
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func batchResultsMatchTheirJobs() async throws {
            try await JobQueue.withQueue(try TestDatabase.settings(), name: TestDatabase.queueName("batch")) { queue in
                let handles = try await queue.submit(batch: Array(0..<500), returning: Int.self)
                try await withServedQueue(queue) { queue in
                    // Awaited together (one query for many), and one by one.
                    let results = try await queue.results(of: handles, timeout: .seconds(50))
                    #expect(results.enumerated().allSatisfy { (try? $0.element.get()) == 2 * $0.offset })
                    for (n, handle) in handles.prefix(20).enumerated() {
                        let result = try await handle.result(timeout: .seconds(30))
                        #expect(result == 2 * n)
                    }
                }
                // Exactly one attempt row per job, each succeeded.
                let attempts = try TestDatabase.psql(
                    """
                    SELECT count(*), count(*) FILTER (WHERE outcome = 'succeeded') FROM gipc_queue.attempts a
                    JOIN gipc_queue.jobs j ON j.id = a.job_id WHERE j.queue = '\(queue.name)'
                    """)
                #expect(attempts == "500|500")
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func higherPriorityRunsFirst() async throws {
            let log = ExecutionLog("priority")
            defer { log.remove() }
            try await JobQueue.withQueue(try TestDatabase.settings(), name: TestDatabase.queueName("priority")) {
                queue in
                // Submitted before any host serves the queue: low priority first, then high.
                var low = JobOptions()
                low.priority = 1
                var high = JobOptions()
                high.priority = 9
                let lows = try await queue.submit(batch: Array(0..<5), returning: Int.self, options: low)
                let highs = try await queue.submit(batch: Array(100..<105), returning: Int.self, options: high)
                var options = WorkerOptions()
                options.prefetch = 1
                try await withServedQueue(
                    queue, workers: 1, options: options, environment: ["GIPC_QUEUE_LOG": log.path]
                ) {
                    _ in
                    for handle in highs + lows { _ = try await handle.result(timeout: .seconds(30)) }
                }
                let order = try String(contentsOfFile: log.path, encoding: .utf8).split(separator: "\n")
                    .compactMap { Int($0.split(separator: " ")[0]) }
                #expect(order == Array(100..<105) + Array(0..<5))
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func runAfterDelaysTheStart() async throws {
            try await JobQueue.withQueue(try TestDatabase.settings(), name: TestDatabase.queueName("delay")) { queue in
                try await withServedQueue(queue) { queue in
                    var options = JobOptions()
                    options.runAfter = .milliseconds(1500)
                    let start = ContinuousClock.now
                    let later = try await queue.submit(1, returning: Int.self, options: options)
                    let now = try await queue.submit(2, returning: Int.self)
                    let got3 = try await now.result(timeout: .seconds(10))
                    #expect(got3 == 4)
                    let got4 = try await later.state()
                    #expect(got4 == .queued)
                    let got5 = try await later.result(timeout: .seconds(10))
                    #expect(got5 == 2)
                    #expect(ContinuousClock.now - start >= .milliseconds(1500))
                }
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func cancelAQueuedJob() async throws {
            try await JobQueue.withQueue(try TestDatabase.settings(), name: TestDatabase.queueName("cancelq")) {
                queue in
                let handle = try await queue.submit(7, returning: Int.self)
                let cancelled = try await handle.cancel()
                #expect(cancelled)
                let error = await #expect(throws: QueueError.self) { try await handle.result(timeout: .seconds(10)) }
                #expect(error?.code == .cancelled)
                let got6 = try await handle.state()
                #expect(got6 == .cancelled)
                // A cancelled job never runs, even once a host serves the queue.
                try await withServedQueue(queue) { queue in
                    let other = try await queue.submit(8, returning: Int.self)
                    let got7 = try await other.result(timeout: .seconds(30))
                    #expect(got7 == 16)
                }
                let got8 = try await handle.state()
                #expect(got8 == .cancelled)
                let got9 = try await handle.cancel()
                #expect(got9 == false)
                let attempts = try TestDatabase.psql(
                    "SELECT count(*) FROM gipc_queue.attempts WHERE job_id = '\(handle.id.uuidString)'")
                #expect(attempts == "0")
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func cancelARunningJobStopsItsWorker() async throws {
            try await JobQueue.withQueue(try TestDatabase.settings(), name: TestDatabase.queueName("cancelr")) {
                queue in
                try await withServedQueue(queue) { queue in
                    let handle = try await queue.submit(JobSpec(n: 1, sleep: 60), returning: Int.self)
                    let running = try await eventually(within: .seconds(20)) { try await handle.state() == .running }
                    #expect(running)
                    try await Task.sleep(for: .milliseconds(300))
                    let start = ContinuousClock.now
                    let cancelled = try await handle.cancel()
                    #expect(cancelled)
                    let error = await #expect(throws: QueueError.self) {
                        try await handle.result(timeout: .seconds(20))
                    }
                    #expect(error?.code == .cancelled)
                    #expect(ContinuousClock.now - start < .seconds(15))
                    // The host goes on serving.
                    let next = try await queue.submit(5, returning: Int.self)
                    let got10 = try await next.result(timeout: .seconds(30))
                    #expect(got10 == 10)
                    let outcome = try TestDatabase.psql(
                        "SELECT outcome FROM gipc_queue.attempts WHERE job_id = '\(handle.id.uuidString)'")
                    #expect(outcome == "cancelled")
                }
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func awaitingTimesOutAndTheJobGoesOn() async throws {
            try await JobQueue.withQueue(try TestDatabase.settings(), name: TestDatabase.queueName("wait")) { queue in
                let handle = try await queue.submit(3, returning: Int.self)
                let error = await #expect(throws: QueueError.self) {
                    try await handle.result(timeout: .milliseconds(300))
                }
                #expect(error?.code == .timedOut)
                try await withServedQueue(queue) { _ in
                    let got11 = try await handle.result(timeout: .seconds(30))
                    #expect(got11 == 6)
                }
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func anUnknownJobIsNotFound() async throws {
            try await JobQueue.withQueue(try TestDatabase.settings(), name: TestDatabase.queueName("unknown")) {
                queue in
                let handle = queue.handle(for: UUID(), returning: Int.self)
                let error = await #expect(throws: QueueError.self) { try await handle.result(timeout: .seconds(10)) }
                #expect(error?.code == .notFound)
            }
        }
    }
}
