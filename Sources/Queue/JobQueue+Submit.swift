public import Foundation
import GIPCKit
import PostgresNIO

extension JobQueue {
    /// Submits one job and returns its handle.
    ///
    /// The job is encoded with the queue's ``codec`` and stored; it is committed when this returns. A submission
    /// retried after a lost connection is stored once (the id is made here).
    /// - Parameters:
    ///   - job: the job.
    ///   - returning: the type of its result.
    ///   - options: attempts, delay, priority, time limit.
    /// - Returns: the job's handle.
    /// - Throws: ``QueueError`` with ``QueueError/Code/codecFailure`` (the job cannot be encoded),
    ///   ``QueueError/Code/payloadTooLarge``, ``QueueError/Code/invalidArgument``,
    ///   ``QueueError/Code/connectionFailed``, ``QueueError/Code/databaseError``.
    public func submit<Job: Encodable, Result: Decodable & Sendable>(
        _ job: Job, returning: Result.Type = Result.self, options: JobOptions = JobOptions()
    ) async throws -> JobHandle<Result> {
        try await submit(batch: [job], returning: returning, options: options)[0]
    }

    /// Submits many jobs in one statement and returns their handles, in order.
    ///
    /// All are stored, or none (the statement is one transaction). Large batches are split in statements of
    /// 5,000 jobs, each committed on its own.
    /// - Parameters:
    ///   - jobs: the jobs.
    ///   - returning: the type of their results.
    ///   - options: attempts, delay, priority, time limit, the same for each.
    /// - Returns: one handle per job.
    /// - Throws: as ``submit(_:returning:options:)``; nothing is stored when a job cannot be encoded or is too large.
    public func submit<Job: Encodable, Result: Decodable & Sendable>(
        batch jobs: [Job], returning: Result.Type = Result.self, options: JobOptions = JobOptions()
    ) async throws -> [JobHandle<Result>] {
        var payloads: [[UInt8]] = []
        payloads.reserveCapacity(jobs.count)
        for (index, job) in jobs.enumerated() {
            let bytes: [UInt8]
            do {
                bytes = try codec.encode(job)
            } catch {
                throw QueueError(.codecFailure, "job \(index) cannot be encoded with \(codec.name)", underlying: error)
            }
            payloads.append(bytes)
        }
        let ids = try await submitEncoded(payloads, options: options)
        return ids.map { JobHandle(id: $0, queue: self) }
    }

    /// Submits jobs already encoded with the queue's codec; returns their ids, in order.
    /// - Parameters:
    ///   - payloads: the encoded jobs.
    ///   - options: attempts, delay, priority, time limit, the same for each.
    /// - Returns: the jobs' ids.
    /// - Throws: ``QueueError`` with ``QueueError/Code/payloadTooLarge``, ``QueueError/Code/invalidArgument``,
    ///   ``QueueError/Code/connectionFailed``, ``QueueError/Code/databaseError``.
    public func submitEncoded(_ payloads: [[UInt8]], options: JobOptions = JobOptions()) async throws -> [JobID] {
        try options.validate()
        for (index, payload) in payloads.enumerated() where payload.count > self.options.maxPayloadBytes {
            throw QueueError(
                .payloadTooLarge,
                "job \(index) is \(payload.count) bytes encoded; the queue's limit is \(self.options.maxPayloadBytes)")
        }
        var ids: [JobID] = []
        ids.reserveCapacity(payloads.count)
        var start = 0
        while start < payloads.count {
            let end = min(start + 5_000, payloads.count)
            let chunkIDs = (start..<end).map { _ in UUID() }
            let buffers = payloads[start..<end].map { ByteBuffer(bytes: $0) }
            try await insert(ids: chunkIDs, payloads: buffers, options: options)
            ids += chunkIDs
            start = end
        }
        return ids
    }

    private func insert(ids: [JobID], payloads: [ByteBuffer], options: JobOptions) async throws {
        let name = self.name
        let codecName = codec.name
        let delay = options.runAfter.milliseconds
        let timeout = options.timeout?.milliseconds ?? 0
        let maxAttempts = options.maxAttempts
        let priority = options.priority
        let client = self.client
        let logger = self.logger
        try await reconnect.run("submitting \(ids.count) jobs to queue '\(name)'") {
            _ = try await client.query(
                """
                WITH inserted AS (
                    INSERT INTO gipc_queue.jobs (id, queue, state, priority, run_after, max_attempts, timeout_ms, codec,
                        payload)
                    SELECT s.id, \(name), 'queued', \(priority)::int4, now() + \(delay)::int8 * interval '1 millisecond',
                        \(maxAttempts)::int4, NULLIF(\(timeout)::int8, 0), \(codecName), s.payload
                    FROM unnest(\(ids)::uuid[], \(payloads)::bytea[]) WITH ORDINALITY AS s(id, payload, n)
                    ORDER BY s.n
                    ON CONFLICT (id) DO NOTHING
                    RETURNING 1
                ), notified AS (
                    SELECT pg_notify('gipc_queue_new', \(name))
                )
                SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM notified)
                """, logger: logger
            ).collect()
        }
    }

    /// A handle for the job `id`, for example one submitted by another process.
    /// - Parameters:
    ///   - id: the job's id.
    ///   - returning: the type of its result.
    /// - Returns: its handle (whether the job exists shows when it is used).
    public func handle<Result: Decodable & Sendable>(for id: JobID, returning: Result.Type = Result.self)
        -> JobHandle<Result>
    {
        JobHandle(id: id, queue: self)
    }
}
