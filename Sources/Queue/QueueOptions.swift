/// How a ``JobQueue`` talks to its database and bounds what it stores.
public struct QueueOptions: Sendable {
    /// The largest encoded job, in bytes; a larger one is refused by `submit` with
    /// ``QueueError/Code/payloadTooLarge``. Default 1 MiB.
    public var maxPayloadBytes: Int = 1 << 20
    /// The largest encoded result, in bytes; a worker host that gets a larger one records the job as dead with
    /// `payloadTooLarge`, and awaiting it throws ``QueueError/Code/payloadTooLarge``. Default 1 MiB.
    public var maxResultBytes: Int = 1 << 20
    /// How long the database may stay unreachable before an operation fails with
    /// ``QueueError/Code/connectionFailed``; meanwhile operations are retried with backoff. Default 60 s.
    public var reconnectLimit: Duration = .seconds(60)
    /// How long the first connection and the schema migration may take. Default 10 s.
    public var connectTimeout: Duration = .seconds(10)
    /// How often waiting handles look for finished jobs when no notification came (notifications are lost while
    /// the connection is down). Default 500 ms.
    public var pollInterval: Duration = .milliseconds(500)
    /// The most connections this process opens to the database. Default 8.
    public var maxConnections: Int = 8

    /// The default options.
    public init() {}

    func validate() throws(QueueError) {
        func refuse(_ message: String) -> QueueError { QueueError(.invalidArgument, "queue options: \(message)") }
        if maxPayloadBytes < 1 { throw refuse("maxPayloadBytes must be positive") }
        if maxResultBytes < 1 { throw refuse("maxResultBytes must be positive") }
        if reconnectLimit <= .zero || connectTimeout <= .zero || pollInterval <= .zero {
            throw refuse("durations must be positive")
        }
        if maxConnections < 2 { throw refuse("maxConnections must be at least 2 (one listens for notifications)") }
    }
}
