public import Foundation
public import GIPCKit
import Logging
import PostgresNIO
import Synchronization

/// The identity of a job: a UUID made by the submitter, so that a submission repeated after a lost connection is
/// stored once.
public typealias JobID = UUID

/// A named queue of jobs kept in PostgreSQL: producers submit jobs and await their results, worker hosts serve them
/// with a local `ProcessPool`.
///
/// ```swift
/// let settings = try DatabaseSettings(url: "postgres://gipc@db/jobs")
/// try await JobQueue.withQueue(settings, name: "thumbnails") { queue in
///     let handle = try await queue.submit(ImageJob(path: "a.png"), returning: Thumbnail.self)
///     let thumbnail = try await handle.result(timeout: .seconds(30))
/// }
/// ```
///
/// A worker host serves the same queue with a pool of its own:
///
/// ```swift
/// try await GIPC.withPool(Render.self, options: PoolOptions(workers: 8)) { pool in
///     try await JobQueue.withQueue(settings, name: "thumbnails") { queue in
///         try await queue.serve(pool)  // until the task is cancelled, then a graceful stop
///     }
/// }
/// ```
///
/// Jobs and results are bytes of ``codec`` (MessagePack by default), stored with the codec's name. Delivery is at
/// least once across host failures; docs/QUEUE.md gives the semantics and the schema.
public final class JobQueue: Sendable {
    /// The queue's name: jobs of other names in the same database are other queues.
    public let name: String
    /// The codec of jobs and results.
    public let codec: any MessageCodec
    /// The options the queue runs with.
    public let options: QueueOptions

    let client: PostgresClient
    let reconnect: Reconnect
    let logger = Logger(label: "gipc.queue", factory: { _ in SwiftLogNoOpLogHandler() })
    let waiters = WaiterRegistry()
    let listeners = Mutex<[UInt64: Listener]>([:])
    let nextListener = Atomic<UInt64>(0)
    private let wakeWaiters: AsyncStream<Void>.Continuation
    private let wakeStream: AsyncStream<Void>

    /// What a worker host wants to hear of: new jobs in its queue, cancellation requests.
    struct Listener: Sendable {
        let newJobs: @Sendable () -> Void
        let cancelRequested: @Sendable (JobID) -> Void
    }

    static let doneChannel = "gipc_queue_done"
    static let newChannel = "gipc_queue_new"
    static let cancelChannel = "gipc_queue_cancel"

    private init(name: String, codec: any MessageCodec, options: QueueOptions, client: PostgresClient) {
        self.name = name
        self.codec = codec
        self.options = options
        self.client = client
        self.reconnect = Reconnect(limit: options.reconnectLimit)
        (wakeStream, wakeWaiters) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Runs `body` with the queue `name` in the database `settings` name: connects, creates or migrates the schema,
    /// listens for notifications, and closes every connection when `body` ends.
    /// - Parameters:
    ///   - settings: where the database is.
    ///   - name: the queue's name (1 to 200 characters).
    ///   - codec: the codec of jobs and results; default MessagePack.
    ///   - options: limits, reconnection, polling.
    ///   - body: what to do with the queue.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws; ``QueueError`` with ``QueueError/Code/connectionFailed`` (the database cannot
    ///   be reached within ``QueueOptions/connectTimeout``), ``QueueError/Code/schemaTooNew``,
    ///   ``QueueError/Code/invalidConfiguration``, ``QueueError/Code/invalidArgument``.
    public static func withQueue<Return: Sendable>(
        _ settings: DatabaseSettings,
        name: String,
        codec: any MessageCodec = .msgpack,
        options: QueueOptions = QueueOptions(),
        _ body: @Sendable (JobQueue) async throws -> Return
    ) async throws -> Return {
        try options.validate()
        guard (1...200).contains(name.count) else {
            throw QueueError(.invalidArgument, "a queue's name has 1 to 200 characters")
        }
        var configuration = try settings.clientConfiguration()
        configuration.options.maximumConnections = options.maxConnections
        configuration.options.connectTimeout = options.connectTimeout
        let client = PostgresClient(configuration: configuration)
        let queue = JobQueue(name: name, codec: codec, options: options, client: client)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            do {
                try await Reconnect.within(options.connectTimeout, what: "connecting to \(settings)") {
                    try await client.withConnection { connection in
                        try await QueueSchema.migrate(connection, logger: queue.logger)
                    }
                }
            } catch let error as QueueError {
                throw error
            } catch {
                throw QueueError(
                    .connectionFailed,
                    "cannot connect to \(settings) and prepare the queue's schema: "
                        + Reconnect.describe(error), underlying: error)
            }
            group.addTask { await queue.listen() }
            group.addTask { await queue.poll() }
            group.addTask { await queue.deliverResults() }
            let result = try await body(queue)
            queue.waiters.closeAll()
            return result
        }
    }

    /// Wakes the waiters' loop (a notification came, or the poll interval passed).
    func wakeResultWaiters() { wakeWaiters.yield() }

    /// Keeps one connection listening on the queue's channels, reconnecting with backoff; after each (re)connection
    /// wakes everyone, since notifications sent meanwhile are lost.
    private func listen() async {
        var delay = Duration.milliseconds(50)
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.doneChannel) { done in
                        try await connection.listen(on: Self.newChannel) { new in
                            try await connection.listen(on: Self.cancelChannel) { cancel in
                                delay = .milliseconds(50)
                                self.wakeResultWaiters()
                                self.notifyListeners(newJobs: true, cancelled: nil)
                                try await self.consume(done: done, new: new, cancel: cancel)
                            }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
    }

    private func consume(
        done: PostgresNotificationSequence, new: PostgresNotificationSequence, cancel: PostgresNotificationSequence
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await note in done where note.payload == self.name { self.wakeResultWaiters() }
            }
            group.addTask {
                for try await note in new where note.payload == self.name {
                    self.notifyListeners(newJobs: true, cancelled: nil)
                }
            }
            group.addTask {
                for try await note in cancel {
                    if let id = UUID(uuidString: note.payload) { self.notifyListeners(newJobs: false, cancelled: id) }
                }
            }
            // Any sequence ending means the connection is gone: start over.
            _ = try await group.next()
            group.cancelAll()
        }
    }

    private func notifyListeners(newJobs: Bool, cancelled: JobID?) {
        let current = listeners.withLock { Array($0.values) }
        for listener in current {
            if newJobs { listener.newJobs() }
            if let cancelled { listener.cancelRequested(cancelled) }
        }
    }

    /// Registers a worker host's listener; returns its key for ``removeListener(_:)``.
    func addListener(_ listener: Listener) -> UInt64 {
        let key = nextListener.add(1, ordering: .relaxed).newValue
        listeners.withLock { $0[key] = listener }
        return key
    }

    func removeListener(_ key: UInt64) {
        _ = listeners.withLock { $0.removeValue(forKey: key) }
    }

    /// Wakes the waiters' loop every poll interval: the fallback for lost notifications.
    private func poll() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: options.pollInterval)
            if waiters.hasWaiters { wakeResultWaiters() }
        }
    }

    /// Each time it is woken, fetches the finished jobs among those awaited, in one query per 10,000, and hands them
    /// to their waiters.
    private func deliverResults() async {
        for await _ in wakeStream {
            let ids = waiters.pendingIDs()
            guard !ids.isEmpty else { continue }
            var start = 0
            while start < ids.count {
                let chunk = Array(ids[start..<min(start + 10_000, ids.count)])
                start += chunk.count
                do {
                    let (outcomes, found) = try await Reconnect.within(.seconds(10), what: "fetching results") {
                        try await self.fetchOutcomes(chunk)
                    }
                    for outcome in outcomes { waiters.deliver(.success(outcome), to: outcome.id) }
                    for id in chunk where !found.contains(id) {
                        waiters.deliver(
                            .failure(QueueError(.notFound, "no job \(id) in the database", jobID: id)), to: id)
                    }
                } catch {
                    // The database is away: the next wake (a poll at the latest) tries again.
                    break
                }
            }
        }
    }

    /// The outcomes of those of `ids` that have finished, and the set of `ids` that exist.
    func fetchOutcomes(_ ids: [JobID]) async throws -> ([JobOutcome], Set<JobID>) {
        let rows = try await client.query(
            """
            SELECT id, state, codec, CASE WHEN state = 'succeeded' THEN result END, error_code, error_message
            FROM gipc_queue.jobs WHERE id = ANY(\(ids)::uuid[])
            """, logger: logger)
        var outcomes: [JobOutcome] = []
        var found = Set<JobID>()
        for try await (id, state, codec, result, code, message) in rows.decode(
            (UUID, String, String, ByteBuffer?, String?, String?).self)
        {
            found.insert(id)
            guard let state = JobState(rawValue: state), state.isFinal else { continue }
            outcomes.append(
                JobOutcome(
                    id: id, state: state, codec: codec,
                    result: result.map { Array($0.readableBytesView) },
                    error: code.map { JobError(code: $0, message: message ?? "") }))
        }
        return (outcomes, found)
    }
}
