import PostgresNIO
import Synchronization
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
    /// The longest one try may take before it is abandoned and tried again.
    var tryLimit: Duration = .seconds(10)

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
                return try await Self.within(min(left, tryLimit), what: what, body)
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

    /// `body`, or ``NoAnswer`` once `limit` has passed.
    ///
    /// `body` runs in a task of its own, which is cancelled and left behind when the limit passes: a statement
    /// whose connection died without a word (its answer never comes) must not hold up its caller.
    static func within<T: Sendable>(
        _ limit: Duration, what: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(continuation)
                let work = Task {
                    do { race.finish(.success(try await body())) } catch { race.finish(.failure(error)) }
                }
                let timer = Task {
                    try? await Task.sleep(for: limit)
                    if Task.isCancelled { return }
                    race.finish(.failure(NoAnswer(what: what, limit: limit)))
                    work.cancel()
                }
                race.onFinish { timer.cancel() }
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    /// Whether `error` says the connection is gone or the server cannot serve now (SQLSTATE classes 08 and 57P).
    static func isConnectionLoss(_ error: any Error) -> Bool {
        if error is NoAnswer { return true }
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

/// A statement that got no answer in time: its connection is taken as lost.
struct NoAnswer: Error, CustomStringConvertible {
    let what: String
    let limit: Duration
    var description: String { "\(what): no answer from the database within \(limit)" }
}

/// The first of several outcomes, handed to one continuation exactly once.
final class Race<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>? = nil
        var early: Result<T, any Error>? = nil
        var finished = false
        var onFinish: (@Sendable () -> Void)? = nil
    }

    private let state = Mutex(State())

    /// Sets the continuation; an outcome that came first resumes it at once.
    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { state in
            if let early = state.early {
                state.early = nil
                return early
            }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// Ends the race with `outcome`, unless it has ended.
    func finish(_ outcome: Result<T, any Error>) {
        let (continuation, action): (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) = state.withLock {
            state in
            guard !state.finished else { return (nil, nil) }
            state.finished = true
            guard let continuation = state.continuation else {
                state.early = outcome
                return (nil, state.onFinish)
            }
            state.continuation = nil
            return (continuation, state.onFinish)
        }
        continuation?.resume(with: outcome)
        action?()
    }

    /// Calls `action` when the race ends (at once if it has).
    func onFinish(_ action: @escaping @Sendable () -> Void) {
        let finished = state.withLock { state in
            state.onFinish = action
            return state.finished
        }
        if finished { action() }
    }
}
