public import GIPCKit
import Synchronization

extension JobQueue {
    /// Serves the queue with `pool` until the calling task is cancelled, then stops gracefully.
    ///
    /// Leases jobs (`FOR UPDATE SKIP LOCKED`, several per statement when the queue is deep) as the pool has room,
    /// runs each as one pool job, and records each end in the statement that ends its lease. A worker crash or a
    /// timeout fails the attempt (the job runs again until ``JobOptions/maxAttempts``); a job whose payload does not
    /// decode in the worker, or whose codec is not the pool's, is dead at once. Leases are extended by heartbeats;
    /// jobs of hosts whose leases expired are queued again. On cancellation: no more leases, the running jobs have
    /// ``WorkerOptions/shutdownGracePeriod`` to finish, the rest are stopped and returned to the queue.
    /// - Parameters:
    ///   - pool: the pool that runs the jobs; its codec must be the queue's jobs' codec.
    ///   - options: leases, heartbeats, prefetch, graceful stop.
    /// - Throws: ``QueueError`` with ``QueueError/Code/connectionFailed`` (the database stayed unreachable past
    ///   ``QueueOptions/reconnectLimit``; running jobs are stopped and their leases left to expire),
    ///   ``QueueError/Code/closed`` (the pool failed or closed), ``QueueError/Code/invalidArgument``.
    public func serve<Job: Encodable & Sendable, Result: Decodable & Sendable>(
        _ pool: ProcessPool<Job, Result>, options: WorkerOptions = WorkerOptions()
    ) async throws {
        try options.validate()
        let worker = QueueWorker(queue: self, pool: pool, options: options)
        let main = Task { try await worker.main() }
        try await withTaskCancellationHandler {
            try await main.value
        } onCancel: {
            worker.stop()
        }
        if let fatal = worker.state.withLock({ $0.fatal }) { throw fatal }
    }
}
