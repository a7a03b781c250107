#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a worker host serves a queue: its leases, heartbeats, how many jobs it holds, and how it stops.
///
/// ```swift
/// var options = WorkerOptions()
/// options.leaseDuration = .seconds(10)
/// options.prefetch = 32
/// ```
public struct WorkerOptions: Sendable {
    /// This host's name in the leases and the attempts table; default `HOSTNAME:PID`.
    public var host: String
    /// How long a lease lasts without a heartbeat: a host that stops heartbeating (it died, or lost the database)
    /// loses its jobs this long after its last heartbeat. Default 30 s.
    public var leaseDuration: Duration = .seconds(30)
    /// How often this host extends the leases of the jobs it runs; default: a third of ``leaseDuration``.
    public var heartbeatInterval: Duration? = nil
    /// How often this host looks for expired leases of any host and queues their jobs again (or marks them dead);
    /// default: half of ``leaseDuration``, at most 5 s.
    public var reapInterval: Duration? = nil
    /// The most jobs this host holds at once (running in the pool or waiting in it); default: the pool's workers
    /// plus its queue capacity, so that the pool never waits for the database.
    public var prefetch: Int? = nil
    /// The most jobs leased in one statement. Default 100.
    public var maxLeaseBatch: Int = 100
    /// How often to look for jobs when no notification came (notifications are lost while the connection is down,
    /// and a job's `runAfter` passing sends none). Default 1 s.
    public var pollInterval: Duration = .seconds(1)
    /// How long a job may run when it has no timeout of its own; default: the pool's `PoolOptions.jobTimeout`.
    public var jobTimeout: Duration? = nil
    /// On a graceful stop, how long the jobs running may take to finish before they are stopped and their leases
    /// returned to the queue. Default 10 s.
    public var shutdownGracePeriod: Duration = .seconds(10)

    /// The default options.
    public init() {
        var name = [CChar](repeating: 0, count: 256)
        let hostName =
            gethostname(&name, name.count) == 0
            ? String(decoding: name.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "host"
        host = "\(hostName):\(getpid())"
    }

    func validate() throws(QueueError) {
        func refuse(_ message: String) -> QueueError { QueueError(.invalidArgument, "worker options: \(message)") }
        if host.isEmpty { throw refuse("host must not be empty") }
        if leaseDuration < .milliseconds(100) { throw refuse("leaseDuration must be at least 100 ms") }
        if let interval = heartbeatInterval, interval <= .zero || interval >= leaseDuration {
            throw refuse("heartbeatInterval must be positive and shorter than leaseDuration")
        }
        if let interval = reapInterval, interval <= .zero { throw refuse("reapInterval must be positive") }
        if let prefetch, prefetch < 1 { throw refuse("prefetch must be at least 1") }
        if maxLeaseBatch < 1 { throw refuse("maxLeaseBatch must be at least 1") }
        if pollInterval <= .zero { throw refuse("pollInterval must be positive") }
        if let timeout = jobTimeout, timeout <= .zero { throw refuse("jobTimeout must be positive") }
        if shutdownGracePeriod < .zero { throw refuse("shutdownGracePeriod must not be negative") }
    }
}
