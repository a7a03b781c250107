import PostgresNIO
import _ConnectionPoolModule

/// Runs database work again, with backoff, while the database is unreachable: a lost connection, a server shutting
/// down or starting up. Other errors are thrown at once, as ``QueueError``.
struct Reconnect: Sendable {
    /// The longest the database may stay unreachable before an operation fails with
    /// ``QueueError/Code/connectionFailed``.
    let limit: Duration
    /// The first wait; doubled after each failure up to ``maxDelay``.
    var firstDelay: Duration = .milliseconds(50)
    var maxDelay: Duration = .seconds(2)

    /// Runs `body` until it succeeds, fails for a reason other than the connection, or ``limit`` passes. Each try is
    /// limited to the time left, so that a try stuck waiting for a connection fails too.
    /// - Throws: ``QueueError`` (``QueueError/Code/connectionFailed``, ``QueueError/Code/databaseError``, or what
    ///   `body` threw as a ``QueueError``); `CancellationError`.
    func run<T: Sendable>(_ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        var delay = firstDelay
        while true {
            let left = deadline - clock.now
            do {
                return try await Self.within(left, what: what, body)
            } catch let error as QueueError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                guard Self.isConnectionLoss(error) else {
                    throw QueueError(.databaseError, "\(what): \(Self.describe(error))", underlying: error)
                }
                guard clock.now + delay < deadline else {
                    throw QueueError(
                        .connectionFailed, "\(what): the database stayed unreachable for \(limit)", underlying: error)
                }
                try await Task.sleep(for: delay)
                delay = min(delay * 2, maxDelay)
            }
        }
    }

    /// `body`, or ``QueueError/Code/connectionFailed`` once `limit` has passed.
    static func within<T: Sendable>(
        _ limit: Duration, what: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw QueueError(.connectionFailed, "\(what): no answer from the database within \(limit)")
            }
            return value
        }
    }

    /// Whether `error` says the connection is gone or the server cannot serve now (SQLSTATE classes 08 and 57P).
    static func isConnectionLoss(_ error: any Error) -> Bool {
        // The client's pool gives up on a connection attempt after a while; the next try makes a new one.
        if let error = error as? ConnectionPoolError { return error == .connectionCreationCircuitBreakerTripped }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
            return true
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("57P")
        default:
            return false
        }
    }

    /// The server's message when there is one, else postgres-nio's description.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError, let message = error.serverInfo?[.message] {
            return "\(message) (SQLSTATE \(error.serverInfo?[.sqlState] ?? "?"))"
        }
        return String(reflecting: error)
    }
}
