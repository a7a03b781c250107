import Foundation
import GIPCKit
import GIPCQueue
import Testing

extension QueueTests {
    /// Poison jobs, timeouts, size limits and hostile rows: each ends in a typed error, and nothing hangs.
    @Suite(.serialized)
    struct QueueFailureTests {
        @Test(.timeLimit(.minutes(1)))
        func aPoisonJobIsDeadAfterItsMaxAttempts() async throws {
            try await JobQueue.withQueue(try TestDatabase.settings(), name: TestDatabase.queueName("poison")) { queue in
                try await withServedQueue(queue) { queue in
                    let poison = try await queue.submit(
                        JobSpec(n: 1, crash: true), returning: Int.self, options: JobOptions(maxAttempts: 3))
                    let healthy = try await queue.submit(batch: Array(0..<20), returning: Int.self)
                    let error = await #expect(throws: QueueError.self) {
                        try await poison.result(timeout: .seconds(40))
                    }
                    #expect(error?.code == .jobDead)
                    #expect(error?.jobError?.code == "workerCrashed")
                    for (n, handle) in healthy.enumerated() {
                        let got1 = try await handle.result(timeout: .seconds(30))
                        #expect(got1 == 2 * n)
                    }
                    let attempts = try TestDatabase.psql(
                        """
                        SELECT string_agg(attempt || ':' || outcome || ':' || error_code, ',' ORDER BY attempt)
                        FROM gipc_queue.attempts WHERE job_id = '\(poison.id.uuidString)'
                        """)
                    #expect(attempts == "1:failed:workerCrashed,2:failed:workerCrashed,3:failed:workerCrashed")
                }
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func aJobOverItsTimeoutFailsAndItsWorkerIsReplaced() async throws {
            try await JobQueue.withQueue(try TestDatabase.settings(), name: TestDatabase.queueName("timeout")) {
                queue in
                try await withServedQueue(queue) { queue in
                    var options = JobOptions(maxAttempts: 2)
                    options.timeout = .milliseconds(500)
                    let slow = try await queue.submit(JobSpec(n: 1, sleep: 30), returning: Int.self, options: options)
                    let error = await #expect(throws: QueueError.self) { try await slow.result(timeout: .seconds(30)) }
                    #expect(error?.code == .jobDead)
                    #expect(error?.jobError?.code == "timedOut")
                    let next = try await queue.submit(4, returning: Int.self)
                    let got2 = try await next.result(timeout: .seconds(30))
                    #expect(got2 == 8)
                    let count = try TestDatabase.psql(
                        "SELECT count(*) FROM gipc_queue.attempts WHERE job_id = '\(slow.id.uuidString)' AND error_code = 'timedOut'"
                    )
                    #expect(count == "2")
                }
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func payloadAndResultSizeLimits() async throws {
            var options = QueueOptions()
            options.maxPayloadBytes = 1_000
            options.maxResultBytes = 2_000
            try await JobQueue.withQueue(
                try TestDatabase.settings(), name: TestDatabase.queueName("limits"), options: options
            ) { queue in
                let tooLarge = await #expect(throws: QueueError.self) {
                    _ = try await queue.submit(String(repeating: "x", count: 1_001), returning: String.self)
                }
                #expect(tooLarge?.code == .payloadTooLarge)
                // A batch with one job over the limit stores none of them.
                let batch = await #expect(throws: QueueError.self) {
                    _ = try await queue.submit(
                        batch: ["a", String(repeating: "x", count: 5_000)], returning: String.self)
                }
                #expect(batch?.code == .payloadTooLarge)
                let got3 = try await queue.status().total
                #expect(got3 == 0)
                try await withServedQueue(queue) { queue in
                    let small = try await queue.submit(JobSpec(n: 1, bytes: 1_000), returning: [UInt8].self)
                    let got4 = try await small.result(timeout: .seconds(30)).count
                    #expect(got4 == 1_000)
                    let large = try await queue.submit(JobSpec(n: 2, bytes: 5_000), returning: [UInt8].self)
                    let error = await #expect(throws: QueueError.self) { try await large.result(timeout: .seconds(30)) }
                    #expect(error?.code == .payloadTooLarge)
                    let got5 = try await large.state()
                    #expect(got5 == .dead)
                }
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func hostileRowsEndInTypedErrors() async throws {
            try await JobQueue.withQueue(try TestDatabase.settings(), name: TestDatabase.queueName("hostile")) {
                queue in
                let garbage = UUID()
                let wrongCodec = UUID()
                let badResult = UUID()
                // A payload that is not MessagePack (0xc1 is never used), a job stored with another codec, and a
                // finished job whose result does not decode: rows no submitter of this library writes.
                try TestDatabase.psql(
                    """
                    INSERT INTO gipc_queue.jobs (id, queue, state, max_attempts, codec, payload)
                    VALUES ('\(garbage.uuidString)', '\(queue.name)', 'queued', 2, 'msgpack', '\\xc1c1c1'),
                           ('\(wrongCodec.uuidString)', '\(queue.name)', 'queued', 3, 'json', '\\x7b7d');
                    INSERT INTO gipc_queue.jobs (id, queue, state, max_attempts, codec, payload, result)
                    VALUES ('\(badResult.uuidString)', '\(queue.name)', 'succeeded', 1, 'msgpack', '\\x01', '\\xc1');
                    """)
                try await withServedQueue(queue) { queue in
                    let first = await #expect(throws: QueueError.self) {
                        try await queue.handle(for: garbage, returning: Int.self).result(timeout: .seconds(30))
                    }
                    #expect(first?.code == .jobDead)
                    #expect(first?.jobError?.code == "workerCrashed")
                    let second = await #expect(throws: QueueError.self) {
                        try await queue.handle(for: wrongCodec, returning: Int.self).result(timeout: .seconds(30))
                    }
                    #expect(second?.code == .jobDead)
                    #expect(second?.jobError?.code == "codecMismatch")
                    let third = await #expect(throws: QueueError.self) {
                        try await queue.handle(for: badResult, returning: Int.self).result(timeout: .seconds(30))
                    }
                    #expect(third?.code == .codecFailure)
                    // The host goes on serving.
                    let next = try await queue.submit(1, returning: Int.self)
                    let got6 = try await next.result(timeout: .seconds(30))
                    #expect(got6 == 2)
                }
                let attempts = try TestDatabase.psql(
                    "SELECT count(*) FROM gipc_queue.attempts WHERE job_id = '\(wrongCodec.uuidString)'")
                #expect(attempts == "1")
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func anUnreachableDatabaseFailsWithATypedError() async throws {
            var options = QueueOptions()
            options.connectTimeout = .seconds(2)
            // Port 1 on loopback, where no server listens.
            let settings = DatabaseSettings(
                host: "127.0.0.1", port: 1, user: "gipc", password: "gipc", tlsMode: .disable)
            let error = await #expect(throws: QueueError.self) {
                try await JobQueue.withQueue(settings, name: "unreachable", options: options) { _ in }
            }
            #expect(error?.code == .connectionFailed)
        }
    }
}
