#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a ``ProcessPool`` runs its workers and its queue.
///
/// ```swift
/// var options = PoolOptions(workers: 4)
/// options.jobTimeout = .seconds(30)
/// options.maxJobsPerWorker = 1_000
/// ```
public struct PoolOptions: Sendable {
    /// The most worker processes at once; default: the number of CPUs.
    public var workers: Int
    /// The fewest worker processes kept running; default: ``workers``. Workers above this number stop after
    /// ``idleTimeout`` without a job, and start again when jobs wait.
    public var minWorkers: Int
    /// How long a worker above ``minWorkers`` stays without a job before it stops.
    public var idleTimeout: Duration = .seconds(10)
    /// The most jobs waiting for a worker; a `submit` beyond it suspends until there is room. Default:
    /// 4 × ``workers``.
    public var queueCapacity: Int
    /// How long a job may run, counted from when its worker receives it; `nil`: no limit. A job that runs longer
    /// fails with ``GIPCError/Code/timedOut`` and its worker is stopped and replaced. A chunk of `map` gets this
    /// once per job in it.
    public var jobTimeout: Duration? = nil
    /// How many times a job whose worker crashed while running it is run again on another worker; default 0 (a
    /// crashed job fails with ``GIPCError/Code/workerCrashed``). Only jobs safe to run twice should be retried. A job
    /// that timed out or was cancelled is not run again.
    public var retries: Int = 0
    /// A worker is replaced after this many jobs (`map` chunks count as their jobs); `nil`: never.
    public var maxJobsPerWorker: Int? = nil
    /// A worker is replaced once its resident memory exceeds this many bytes, checked after each job (Linux;
    /// `nil`: never).
    public var maxWorkerMemoryBytes: Int? = nil
    /// Jobs sent to a worker before its earlier ones have answered; default 1. More hides the round trip for
    /// short jobs, but a worker that crashes then fails every job it had been sent.
    public var jobsInFlightPerWorker: Int = 1
    /// Consecutive worker deaths before their first job (or, for ``PoolWorker``s, before their set-up finished) after
    /// which the pool fails with ``GIPCError/Code/poolFailed`` instead of starting more.
    public var maxStartFailures: Int = 5
    /// The wait before replacing a worker that died at start-up, doubled for each consecutive one up to
    /// ``maxRestartDelay``.
    public var restartDelay: Duration = .milliseconds(20)
    /// The longest wait before replacing a worker.
    public var maxRestartDelay: Duration = .seconds(2)
    /// How long a worker has to exit after its jobs pipe is closed (or after SIGTERM) before it is killed.
    public var gracePeriod: Duration = .seconds(2)
    /// The largest job or reply frame, in bytes.
    public var maxFrameBytes: Int = FrameFormat.defaultMaxFrameBytes
    /// The workers' standard output.
    public var standardOutput: ChildOutput = .inherit
    /// The workers' standard error: captured by default, so that a crashed job's error carries its last lines
    /// (``GIPCError/standardErrorTail``); the lines are also copied, as they come, to this process's standard error.
    public var standardError: ChildOutput = .capture(keepingLast: 20)
    /// The workers' environment.
    public var environment: ChildEnvironment = .inherit
    /// The name of each worker process (its `argv[0]`); default: the worker's entry name or executable.
    public var name: String? = nil
    /// How workers that run an entry are started; `nil`: ``StartMethod/default`` at each start. Executables are
    /// always spawned.
    public var startMethod: StartMethod? = nil

    /// Options for a pool of `workers` worker processes (default: the number of CPUs).
    public init(workers: Int? = nil) {
        let count = max(1, workers ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        self.workers = count
        self.minWorkers = count
        self.queueCapacity = 4 * count
    }

    /// Checks the options' ranges.
    func validate() throws(GIPCError) {
        func refuse(_ message: String) -> GIPCError { GIPCError(.invalidArgument, "pool options: \(message)") }
        if workers < 1 { throw refuse("workers must be at least 1") }
        if minWorkers < 0 || minWorkers > workers { throw refuse("minWorkers must be in 0...workers") }
        if queueCapacity < 1 { throw refuse("queueCapacity must be at least 1") }
        if jobsInFlightPerWorker < 1 { throw refuse("jobsInFlightPerWorker must be at least 1") }
        if retries < 0 { throw refuse("retries must not be negative") }
        if maxStartFailures < 1 { throw refuse("maxStartFailures must be at least 1") }
        if let limit = maxJobsPerWorker, limit < 1 { throw refuse("maxJobsPerWorker must be at least 1") }
        if let timeout = jobTimeout, timeout <= .zero { throw refuse("jobTimeout must be positive") }
    }
}
