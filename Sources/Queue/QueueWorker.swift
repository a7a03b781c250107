import Foundation
import GIPCKit
import Logging
import PostgresNIO
import Synchronization

/// A worker host's loops: lease jobs into the local pool, record their ends in batches, heartbeat the leases, and
/// queue again the jobs of hosts whose leases expired.
///
/// Its tasks are its own (not children of the caller's), so that cancelling ``JobQueue/serve(_:options:)`` starts a
/// graceful stop instead of tearing down running jobs: no more leases, the running jobs get
/// ``WorkerOptions/shutdownGracePeriod`` to finish, the rest are stopped and returned to the queue.
final class QueueWorker<Job: Encodable & Sendable, Result: Decodable & Sendable>: Sendable {
    /// Why this host stops a running job.
    enum StopReason: Sendable {
        case cancelled
        case returned
    }

    struct Running {
        let attempt: Int
        var task: Task<Void, Never>? = nil
        var stopReason: StopReason? = nil
    }

    struct State {
        var running: [JobID: Running] = [:]
        var completions: [Completion] = []
        var stopping = false
        /// The lease loop has ended: no job will start any more.
        var leasingDone = false
        var fatal: QueueError? = nil
    }

    let queue: JobQueue
    let pool: ProcessPool<Job, Result>
    let options: WorkerOptions
    let prefetch: Int
    let heartbeatInterval: Duration
    let reapInterval: Duration
    let jobTimeout: Duration?
    let state = Mutex(State())
    let leaseWake: AsyncStream<Void>.Continuation
    let leaseStream: AsyncStream<Void>
    let completeWake: AsyncStream<Void>.Continuation
    let completeStream: AsyncStream<Void>

    init(queue: JobQueue, pool: ProcessPool<Job, Result>, options: WorkerOptions) {
        self.queue = queue
        self.pool = pool
        self.options = options
        prefetch = options.prefetch ?? (pool.options.workers + pool.options.queueCapacity)
        heartbeatInterval = options.heartbeatInterval ?? options.leaseDuration / 3
        reapInterval = options.reapInterval ?? min(options.leaseDuration / 2, .seconds(5))
        jobTimeout = options.jobTimeout ?? pool.options.jobTimeout
        (leaseStream, leaseWake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        (completeStream, completeWake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Starts a graceful stop: no more leases; running jobs finish within the grace period.
    func stop() {
        state.withLock { $0.stopping = true }
        leaseWake.yield()
        completeWake.yield()
    }

    var isStopping: Bool { state.withLock { $0.stopping } }

    /// Runs the loops until a graceful stop has returned every lease, or a loop fails.
    /// - Throws: ``QueueError`` when the database stays unreachable past the reconnect limit.
    func main() async throws {
        let key = queue.addListener(
            JobQueue.Listener(
                newJobs: { [leaseWake] in leaseWake.yield() },
                cancelRequested: { [weak self] id in self?.stopJob(id, as: .cancelled) }))
        defer { queue.removeListener(key) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.leaseLoop() }
            group.addTask { try await self.completeLoop() }
            group.addTask { await self.tick(every: self.options.pollInterval) { self.leaseWake.yield() } }
            group.addTask { await self.tick(every: self.heartbeatInterval) { try await self.heartbeat() } }
            group.addTask { await self.tick(every: self.reapInterval) { try await self.reap() } }
            do {
                // The completion loop ends last in a graceful stop; any loop that throws ends the host.
                _ = try await group.next()
                _ = try await group.next()
            } catch {
                stop()
                stopAll(as: .returned)
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    /// Calls `body` every `interval` until cancelled; errors are left to the next round.
    private func tick(every interval: Duration, _ body: @Sendable () async throws -> Void) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            try? await body()
        }
    }

    // MARK: leasing

    private func leaseLoop() async throws {
        var iterator = leaseStream.makeAsyncIterator()
        while true {
            let (stopping, free) = state.withLock { ($0.stopping, prefetch - $0.running.count) }
            if stopping { break }
            if free < max(1, prefetch / 4) {
                _ = await iterator.next()
                continue
            }
            let wanted = min(free, options.maxLeaseBatch)
            let leased = try await lease(wanted)
            for job in leased { start(job) }
            if leased.count < wanted { _ = await iterator.next() }
        }
        await drain()
    }

    /// Waits up to the grace period for the running jobs, then stops the rest and returns their leases.
    private func drain() async {
        let clock = ContinuousClock()
        let deadline = clock.now + options.shutdownGracePeriod
        while clock.now < deadline, state.withLock({ !$0.running.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        stopAll(as: .returned)
        state.withLock { $0.leasingDone = true }
        completeWake.yield()
    }

    private func lease(_ count: Int) async throws -> [LeasedJob] {
        let name = queue.name
        let host = options.host
        let leaseMilliseconds = options.leaseDuration.milliseconds
        let client = queue.client
        let logger = queue.logger
        return try await queue.reconnect.run("leasing jobs of queue '\(name)'") {
            let rows = try await client.query(
                """
                WITH picked AS (
                    SELECT id FROM gipc_queue.jobs
                    WHERE queue = \(name) AND state = 'queued' AND run_after <= now()
                    ORDER BY priority DESC, run_after, seq
                    LIMIT \(count)
                    FOR UPDATE SKIP LOCKED
                ), leased AS (
                    UPDATE gipc_queue.jobs j
                    SET state = 'running', attempts = j.attempts + 1, lease_owner = \(host),
                        lease_expires_at = now() + \(leaseMilliseconds)::int8 * interval '1 millisecond'
                    FROM picked WHERE j.id = picked.id
                    RETURNING j.id, j.attempts, j.codec, j.payload, j.timeout_ms, j.priority, j.run_after, j.seq
                ), logged AS (
                    INSERT INTO gipc_queue.attempts (job_id, attempt, host) SELECT id, attempts, \(host) FROM leased
                )
                SELECT id, attempts::int8, codec, payload, timeout_ms FROM leased
                ORDER BY priority DESC, run_after, seq
                """, logger: logger)
            var jobs: [LeasedJob] = []
            for try await (id, attempt, codec, payload, timeout) in rows.decode(
                (UUID, Int, String, ByteBuffer, Int?).self)
            {
                jobs.append(
                    LeasedJob(
                        id: id, attempt: attempt, codec: codec, payload: Array(payload.readableBytesView),
                        timeout: timeout.map { .milliseconds($0) }))
            }
            return jobs
        }
    }

    // MARK: running

    private func start(_ job: LeasedJob) {
        state.withLock { state in
            state.running[job.id] = Running(attempt: job.attempt)
            state.running[job.id]!.task = Task { await self.execute(job) }
        }
    }

    /// Stops the running job `id`, if this host runs it: its worker process is stopped as the pool cancels a job.
    func stopJob(_ id: JobID, as reason: StopReason) {
        let task: Task<Void, Never>? = state.withLock { state in
            guard state.running[id] != nil else { return nil }
            if state.running[id]!.stopReason == nil { state.running[id]!.stopReason = reason }
            return state.running[id]!.task
        }
        task?.cancel()
    }

    private func stopAll(as reason: StopReason) {
        let ids = state.withLock { Array($0.running.keys) }
        for id in ids { stopJob(id, as: reason) }
    }

    /// Runs one leased job in the pool and queues its completion.
    private func execute(_ job: LeasedJob) async {
        let completion: Completion
        if job.codec != pool.codec.name {
            completion = Completion(
                job, .failed, final: true,
                error: JobError(
                    code: QueueError.Code.codecMismatch.description,
                    message: "the job was stored with codec \(job.codec); this host's pool uses \(pool.codec.name)"))
        } else {
            completion = await run(job)
        }
        state.withLock { state in
            state.running[job.id] = nil
            state.completions.append(completion)
        }
        completeWake.yield()
        leaseWake.yield()
    }

    private func run(_ job: LeasedJob) async -> Completion {
        let timeout = job.timeout ?? jobTimeout
        do {
            let reply: Swift.Result<[UInt8], GIPCError>
            if let timeout {
                reply = try await runInPool(job.payload, timeout: timeout)
            } else {
                reply = try await pool.submitEncoded(job.payload)
            }
            switch reply {
            case .success(let bytes):
                guard bytes.count <= queue.options.maxResultBytes else {
                    return Completion(
                        job, .failed, final: true,
                        error: JobError(
                            code: QueueError.Code.payloadTooLarge.description,
                            message:
                                "the result is \(bytes.count) bytes encoded; the queue's limit is \(queue.options.maxResultBytes)"
                        ))
                }
                return Completion(job, .succeeded, result: bytes)
            case .failure(let error):
                // A job that does not decode in the worker will not decode on the next attempt either.
                return Completion(job, .failed, final: error.code == .codecFailure, error: JobError(error))
            }
        } catch let error as GIPCError {
            if error.code == .poolFailed || error.code == .closed {
                state.withLock { $0.fatal = $0.fatal ?? QueueError(.closed, "the pool stopped: \(error.message)") }
                stop()
                return Completion(job, .returned, error: JobError(error))
            }
            return Completion(job, .failed, error: JobError(error))
        } catch {
            let reason = state.withLock { $0.running[job.id]?.stopReason } ?? .returned
            switch reason {
            case .cancelled:
                return Completion(
                    job, .cancelled, error: JobError(code: "cancelled", message: "cancelled while running"))
            case .returned:
                return Completion(
                    job, .returned,
                    error: JobError(code: "returned", message: "returned to the queue by \(options.host) as it stopped")
                )
            }
        }
    }

    private struct TimedOut: Error {}

    /// The pool's reply, or `timedOut` after `timeout` (the worker stopped, as the pool stops a cancelled job).
    private func runInPool(_ payload: [UInt8], timeout: Duration) async throws -> Swift.Result<[UInt8], GIPCError> {
        let pool = self.pool
        do {
            return try await withThrowingTaskGroup(of: Swift.Result<[UInt8], GIPCError>.self) { group in
                group.addTask { try await pool.submitEncoded(payload) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw TimedOut()
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch is TimedOut {
            return .failure(GIPCError(.timedOut, "the job ran longer than \(timeout); its worker was stopped"))
        }
    }
}

/// A job a worker host leased: which attempt, and what to run.
struct LeasedJob: Sendable {
    let id: JobID
    let attempt: Int
    let codec: String
    let payload: [UInt8]
    let timeout: Duration?
}
