/// How one attempt ended, as a worker host records it.
struct Completion: Sendable {
    /// The outcome in the attempts table.
    enum Outcome: String, Sendable {
        /// A result: the job succeeded.
        case succeeded
        /// A failure: the job runs again, or is dead after its last attempt (or at once when `final`).
        case failed
        /// Cancelled at the producer's request.
        case cancelled
        /// Given back unfinished by a host that stops: queued again, and the attempt does not count against the
        /// job's `maxAttempts`.
        case returned
    }

    let id: JobID
    let attempt: Int
    let outcome: Outcome
    /// A failure no further attempt can fix (the job is dead at once).
    let final: Bool
    let result: [UInt8]?
    let error: JobError?

    init(
        _ job: LeasedJob, _ outcome: Outcome, final: Bool = false, result: [UInt8]? = nil,
        error: JobError? = nil
    ) {
        self.id = job.id
        self.attempt = job.attempt
        self.outcome = outcome
        self.final = final
        self.result = result
        self.error = error
    }
}
