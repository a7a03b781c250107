import GIPCRuntime
import GIPCTransport

/// One frame's worth of jobs on its way through a pool: one job for `submit`, a chunk for `map`.
struct PoolWork: Sendable {
    /// How the work ended.
    enum Outcome: Sendable {
        /// The worker answered every job, in order.
        case replies([PoolReply])
        /// The work failed as a whole (worker crash, timeout, pool shut down or failed).
        case failed(GIPCError)
        /// The submitting task was cancelled.
        case cancelled
    }

    let id: UInt64
    /// The encoded jobs.
    let payloads: [[UInt8]]
    /// Called exactly once, by the pool, without its lock held.
    let complete: @Sendable (Outcome) -> Void
    /// When it was submitted.
    let submitted: Deadline
    /// How many times it has been given to a worker before.
    var attempts = 0
    /// When its current worker started it: when it was sent, or when the work before it on that worker was answered.
    var started: Deadline? = nil
    /// Its timeout timer while it runs.
    var timer: UInt64? = nil
    /// Why it must fail when its worker ends, whatever the worker's exit says (a timeout, a cancellation).
    var verdict: Outcome? = nil

    init(id: UInt64, payloads: [[UInt8]], complete: @escaping @Sendable (Outcome) -> Void) {
        self.id = id
        self.payloads = payloads
        self.complete = complete
        self.submitted = .now
    }
}
