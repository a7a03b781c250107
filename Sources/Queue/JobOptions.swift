/// How one job runs: its attempts, when it may start, its priority and its time limit.
///
/// ```swift
/// var options = JobOptions(maxAttempts: 5)
/// options.runAfter = .seconds(30)
/// options.priority = 10
/// options.timeout = .seconds(60)
/// ```
public struct JobOptions: Sendable {
    /// How many times the job may start: after a worker crash, a timeout, a failure reported by the worker, or its
    /// host's lease expiring, it runs again until it has started this many times, then it is dead. Default 3.
    public var maxAttempts: Int
    /// How long after submission the job may start; default: at once. Counted by the database's clock.
    public var runAfter: Duration = .zero
    /// Jobs with a higher priority are leased first; among equals, the one that may start earliest, then the
    /// earliest submitted. Default 0.
    public var priority: Int = 0
    /// How long one attempt may run on a worker before the worker is stopped and the attempt fails with
    /// `timedOut`; default: the worker host's own limit, if any.
    public var timeout: Duration? = nil

    /// Options with `maxAttempts` attempts (default 3).
    /// - Parameter maxAttempts: how many times the job may start.
    public init(maxAttempts: Int = 3) {
        self.maxAttempts = maxAttempts
    }

    func validate() throws(QueueError) {
        func refuse(_ message: String) -> QueueError { QueueError(.invalidArgument, "job options: \(message)") }
        if maxAttempts < 1 || maxAttempts > Int(Int32.max) { throw refuse("maxAttempts must be in 1...\(Int32.max)") }
        if runAfter < .zero { throw refuse("runAfter must not be negative") }
        if priority < Int(Int32.min) || priority > Int(Int32.max) { throw refuse("priority must fit in 32 bits") }
        if let timeout, timeout <= .zero { throw refuse("timeout must be positive") }
    }
}

extension Duration {
    /// Whole milliseconds, rounded up.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    }
}
