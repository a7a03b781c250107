import PostgresNIO

/// How many jobs of a queue are in each state.
public struct QueueStatus: Sendable, Hashable {
    /// The queue's name.
    public let queue: String
    /// The number of jobs per state; states with none are 0.
    public let counts: [JobState: Int]

    /// The number of jobs in `state`.
    public subscript(state: JobState) -> Int { counts[state] ?? 0 }

    /// All jobs of the queue.
    public var total: Int { counts.values.reduce(0, +) }
}

extension JobQueue {
    /// Counts this queue's jobs per state.
    /// - Returns: the counts.
    /// - Throws: ``QueueError`` with ``QueueError/Code/connectionFailed``, ``QueueError/Code/databaseError``.
    public func status() async throws -> QueueStatus {
        try await Self.status(of: [name], client: client, reconnect: reconnect, logger: logger)[0]
    }

    /// Counts the jobs per state of every queue in the database, by queue name.
    /// - Returns: one status per queue that has jobs, ordered by name.
    /// - Throws: ``QueueError`` with ``QueueError/Code/connectionFailed``, ``QueueError/Code/databaseError``.
    public func allStatuses() async throws -> [QueueStatus] {
        try await Self.status(of: nil, client: client, reconnect: reconnect, logger: logger)
    }

    private static func status(
        of names: [String]?, client: PostgresClient, reconnect: Reconnect, logger: Logger
    ) async throws -> [QueueStatus] {
        let counted: [String: [JobState: Int]] = try await reconnect.run("counting jobs") {
            let rows = try await client.query(
                """
                SELECT queue, state, count(*) FROM gipc_queue.jobs
                WHERE \(names)::text[] IS NULL OR queue = ANY(\(names)::text[])
                GROUP BY queue, state
                """, logger: logger)
            var counted: [String: [JobState: Int]] = [:]
            for try await (queue, state, count) in rows.decode((String, String, Int).self) {
                if let state = JobState(rawValue: state) { counted[queue, default: [:]][state] = count }
            }
            return counted
        }
        let keys = names ?? counted.keys.sorted()
        return keys.map { QueueStatus(queue: $0, counts: counted[$0] ?? [:]) }
    }
}
