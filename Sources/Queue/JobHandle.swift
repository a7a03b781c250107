public import Foundation
import GIPCKit
import PostgresNIO
import Synchronization

/// A submitted job: await its result, look at its state, or cancel it.
///
/// Handles are cheap values; several may await the same job, in this process or others.
public struct JobHandle<Result: Decodable & Sendable>: Sendable {
    /// The job's id.
    public let id: JobID
    let queue: JobQueue

    /// Waits until the job has finished and returns its result, decoded with the queue's codec.
    ///
    /// Woken by the database's notification when a worker host records the job's end, or, when notifications are
    /// lost (a reconnection), by the queue's polling at most ``QueueOptions/pollInterval`` later.
    /// - Parameter timeout: how long to wait; `nil`: until the job finishes.
    /// - Returns: the result.
    /// - Throws: ``QueueError`` with ``QueueError/Code/timedOut`` (the job goes on), ``QueueError/Code/jobDead``
    ///   (its last error in ``QueueError/jobError``), ``QueueError/Code/payloadTooLarge`` (its result was over the
    ///   limit), ``QueueError/Code/cancelled``, ``QueueError/Code/codecFailure`` (the result does not decode),
    ///   ``QueueError/Code/codecMismatch``, ``QueueError/Code/notFound``, ``QueueError/Code/closed`` (the queue's
    ///   scope ended); `CancellationError`.
    public func result(timeout: Duration? = nil) async throws -> Result {
        let outcome = try await outcome(timeout: timeout)
        return try decode(outcome)
    }

    /// Waits until the job has finished and returns what is stored: its state, result bytes or last error.
    /// - Parameter timeout: how long to wait; `nil`: until the job finishes.
    /// - Returns: the finished job.
    /// - Throws: ``QueueError`` with ``QueueError/Code/timedOut``, ``QueueError/Code/notFound``,
    ///   ``QueueError/Code/closed``; `CancellationError`.
    public func outcome(timeout: Duration? = nil) async throws -> JobOutcome {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now + $0 }
        let id = self.id
        let queue = self.queue
        let waiters = queue.waiters
        let control = WaitControl()
        let outcome = await withTaskCancellationHandler {
            await waiters.wait(for: id) { token in
                control.start(token: token, deadline: deadline) { waiters.cancel(id: id, token: token) }
            } registered: {
                // The job may have finished already, or not exist: the next fetch tells.
                queue.wakeResultWaiters()
            }
        } onCancel: {
            control.cancel { token in waiters.cancel(id: id, token: token) }
        }
        control.finish()
        try Task.checkCancellation()
        if let outcome { return try outcome.get() }
        if let deadline, clock.now >= deadline {
            throw QueueError(.timedOut, "job \(id) did not finish within \(timeout!)", jobID: id)
        }
        throw QueueError(.closed, "the queue's scope ended while awaiting job \(id)", jobID: id)
    }

    /// The job's state now.
    /// - Returns: the state.
    /// - Throws: ``QueueError`` with ``QueueError/Code/notFound``, ``QueueError/Code/connectionFailed``,
    ///   ``QueueError/Code/databaseError``.
    public func state() async throws -> JobState {
        let id = self.id
        let queue = self.queue
        let found: String? = try await queue.reconnect.run("reading job \(id)") {
            let rows = try await queue.client.query(
                "SELECT state FROM gipc_queue.jobs WHERE id = \(id)", logger: queue.logger)
            for try await state in rows.decode(String.self) { return state }
            return nil
        }
        guard let found, let state = JobState(rawValue: found) else {
            throw QueueError(.notFound, "no job \(id) in the database", jobID: id)
        }
        return state
    }

    /// Cancels the job: a queued job is cancelled at once; a running one is stopped by its worker host (its worker
    /// process is killed, as a pool cancels a job) and recorded as cancelled.
    /// - Returns: `true` if the job was queued or running (it will end as ``JobState/cancelled``, unless a running
    ///   attempt finishes first), `false` if it had already finished.
    /// - Throws: ``QueueError`` with ``QueueError/Code/notFound``, ``QueueError/Code/connectionFailed``,
    ///   ``QueueError/Code/databaseError``.
    @discardableResult
    public func cancel() async throws -> Bool {
        let id = self.id
        let queue = self.queue
        let text = id.uuidString
        let found: String? = try await queue.reconnect.run("cancelling job \(id)") {
            let rows = try await queue.client.query(
                """
                WITH target AS (
                    SELECT id, state FROM gipc_queue.jobs WHERE id = \(id) FOR UPDATE
                ), changed AS (
                    UPDATE gipc_queue.jobs j
                    SET cancel_requested = true,
                        state = CASE WHEN t.state = 'queued' THEN 'cancelled' ELSE j.state END,
                        error_code = CASE WHEN t.state = 'queued' THEN 'cancelled' ELSE j.error_code END,
                        error_message = CASE WHEN t.state = 'queued' THEN 'cancelled before it ran'
                            ELSE j.error_message END,
                        finished_at = CASE WHEN t.state = 'queued' THEN now() ELSE j.finished_at END
                    FROM target t WHERE j.id = t.id AND t.state IN ('queued', 'running')
                    RETURNING t.state AS before, j.queue
                ), notified AS (
                    SELECT CASE WHEN before = 'queued' THEN pg_notify('gipc_queue_done', queue)
                        ELSE pg_notify('gipc_queue_cancel', \(text)) END
                    FROM changed
                )
                SELECT t.state, (SELECT count(*) FROM notified) FROM target t
                """, logger: queue.logger)
            for try await (state, _) in rows.decode((String, Int).self) { return state }
            return nil
        }
        guard let found else { throw QueueError(.notFound, "no job \(id) in the database", jobID: id) }
        return found == "queued" || found == "running"
    }

    func decode(_ outcome: JobOutcome) throws -> Result {
        switch outcome.state {
        case .succeeded:
            guard outcome.codec == queue.codec.name else {
                throw QueueError(
                    .codecMismatch,
                    "job \(id) was stored with codec \(outcome.codec), the queue uses \(queue.codec.name)",
                    jobID: id)
            }
            do {
                return try queue.codec.decode(Result.self, from: outcome.result ?? [])
            } catch {
                throw QueueError(
                    .codecFailure, "the result of job \(id) does not decode as \(Result.self)", jobID: id,
                    underlying: error)
            }
        case .cancelled:
            throw QueueError(.cancelled, "job \(id) was cancelled", jobID: id, jobError: outcome.error)
        default:
            if outcome.error?.code == QueueError.Code.payloadTooLarge.description {
                throw QueueError(
                    .payloadTooLarge, outcome.error?.message ?? "the result was too large", jobID: id,
                    jobError: outcome.error)
            }
            throw QueueError(
                .jobDead, "job \(id) is dead: \(outcome.error?.message ?? "no error recorded")", jobID: id,
                jobError: outcome.error)
        }
    }
}
