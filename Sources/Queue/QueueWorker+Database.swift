import Foundation
import PostgresNIO
import Synchronization

extension QueueWorker {
    /// Records the ends of attempts in batches: each batch in one statement that ends the leases, writes the results
    /// and errors, updates the attempts, and notifies waiters, fenced by the attempt number so that a host whose
    /// lease expired cannot overwrite a newer attempt.
    func completeLoop() async throws {
        var iterator = completeStream.makeAsyncIterator()
        while true {
            let (batch, finished) = state.withLock { state in
                let batch = Array(state.completions.prefix(2_000))
                state.completions.removeFirst(batch.count)
                return (batch, state.leasingDone && state.running.isEmpty && state.completions.isEmpty)
            }
            if !batch.isEmpty {
                try await record(batch)
                if !finished { continue }
            }
            if finished { return }
            _ = await iterator.next()
        }
    }

    private func record(_ batch: [Completion]) async throws {
        let ids = batch.map(\.id)
        let attempts = batch.map(\.attempt)
        let outcomes = batch.map(\.outcome.rawValue)
        let finals = batch.map(\.final)
        let results = batch.map { ByteBuffer(bytes: $0.result ?? []) }
        let codes = batch.map { $0.error?.code ?? "" }
        let messages = batch.map { $0.error?.message ?? "" }
        let client = queue.client
        let logger = queue.logger
        try await queue.reconnect.run("recording \(batch.count) finished jobs") {
            _ = try await client.query(
                """
                WITH done AS (
                    SELECT * FROM unnest(\(ids)::uuid[], \(attempts)::int4[], \(outcomes)::text[], \(finals)::bool[],
                        \(results)::bytea[], \(codes)::text[], \(messages)::text[])
                        AS d(id, attempt, outcome, final, result, error_code, error_message)
                ), ended AS (
                    UPDATE gipc_queue.jobs j
                    SET state = CASE
                            WHEN d.outcome = 'succeeded' THEN 'succeeded'
                            WHEN d.outcome = 'cancelled' THEN 'cancelled'
                            WHEN d.outcome = 'returned' THEN 'queued'
                            WHEN d.final OR j.attempts >= j.max_attempts THEN 'dead'
                            ELSE 'queued' END,
                        max_attempts = CASE WHEN d.outcome = 'returned' THEN j.max_attempts + 1 ELSE j.max_attempts END,
                        result = CASE WHEN d.outcome = 'succeeded' THEN d.result END,
                        error_code = NULLIF(d.error_code, ''),
                        error_message = NULLIF(d.error_message, ''),
                        lease_owner = NULL,
                        lease_expires_at = NULL,
                        finished_at = CASE
                            WHEN d.outcome IN ('succeeded', 'cancelled') THEN now()
                            WHEN d.outcome = 'failed' AND (d.final OR j.attempts >= j.max_attempts) THEN now()
                            END
                    FROM done d
                    WHERE j.id = d.id AND j.attempts = d.attempt AND j.state = 'running'
                    RETURNING j.id, j.attempts, j.state, j.queue
                ), logged AS (
                    UPDATE gipc_queue.attempts a
                    SET finished_at = now(), outcome = d.outcome, error_code = NULLIF(d.error_code, ''),
                        error_message = NULLIF(d.error_message, '')
                    FROM ended e JOIN done d ON d.id = e.id
                    WHERE a.job_id = e.id AND a.attempt = e.attempts
                ), notified AS (
                    SELECT pg_notify(CASE WHEN again THEN 'gipc_queue_new' ELSE 'gipc_queue_done' END, queue)
                    FROM (SELECT DISTINCT queue, state = 'queued' FROM ended) s(queue, again)
                )
                SELECT (SELECT count(*) FROM ended), (SELECT count(*) FROM notified)
                """, logger: logger
            ).collect()
        }
    }

    /// Extends the leases of the jobs this host runs; stops those whose cancellation was requested.
    func heartbeat() async throws {
        let ids = state.withLock { Array($0.running.keys) }
        guard !ids.isEmpty else { return }
        let host = options.host
        let leaseMilliseconds = options.leaseDuration.milliseconds
        let client = queue.client
        let logger = queue.logger
        let cancelled: [JobID] = try await queue.reconnect.run("extending \(ids.count) leases") {
            let rows = try await client.query(
                """
                UPDATE gipc_queue.jobs
                SET lease_expires_at = now() + \(leaseMilliseconds)::int8 * interval '1 millisecond'
                WHERE id = ANY(\(ids)::uuid[]) AND state = 'running' AND lease_owner = \(host)
                RETURNING id, cancel_requested
                """, logger: logger)
            var cancelled: [JobID] = []
            for try await (id, requested) in rows.decode((UUID, Bool).self) where requested { cancelled.append(id) }
            return cancelled
        }
        for id in cancelled { stopJob(id, as: .cancelled) }
    }

    /// Queues again the jobs of any host whose lease expired, or marks them dead after their last attempt; their
    /// attempts are recorded as `expired`.
    func reap() async throws {
        let client = queue.client
        let logger = queue.logger
        try await queue.reconnect.run("requeueing jobs whose lease expired") {
            _ = try await client.query(
                """
                WITH expired AS (
                    SELECT id FROM gipc_queue.jobs WHERE state = 'running' AND lease_expires_at < now()
                    FOR UPDATE SKIP LOCKED
                ), requeued AS (
                    UPDATE gipc_queue.jobs j
                    SET state = CASE WHEN j.attempts >= j.max_attempts THEN 'dead' ELSE 'queued' END,
                        error_code = 'leaseExpired',
                        error_message = 'the lease of host ' || coalesce(j.lease_owner, '?') || ' expired (attempt '
                            || j.attempts || ')',
                        lease_owner = NULL,
                        lease_expires_at = NULL,
                        finished_at = CASE WHEN j.attempts >= j.max_attempts THEN now() END
                    FROM expired e WHERE j.id = e.id
                    RETURNING j.id, j.attempts, j.state, j.queue, j.error_message
                ), logged AS (
                    UPDATE gipc_queue.attempts a
                    SET finished_at = now(), outcome = 'expired', error_code = 'leaseExpired',
                        error_message = r.error_message
                    FROM requeued r WHERE a.job_id = r.id AND a.attempt = r.attempts
                ), notified AS (
                    SELECT pg_notify(CASE WHEN again THEN 'gipc_queue_new' ELSE 'gipc_queue_done' END, queue)
                    FROM (SELECT DISTINCT queue, state = 'queued' FROM requeued) s(queue, again)
                )
                SELECT (SELECT count(*) FROM requeued), (SELECT count(*) FROM notified)
                """, logger: logger
            ).collect()
        }
    }
}
