import Foundation
import Synchronization

/// The handles awaiting results in this process: each waits for its job's ``JobOutcome``, which the queue's loop
/// fetches for all of them at once when woken.
final class WaiterRegistry: Sendable {
    private struct Waiter {
        let token: UInt64
        let continuation: CheckedContinuation<Swift.Result<JobOutcome, QueueError>?, Never>
    }

    private struct State {
        var waiters: [JobID: [Waiter]] = [:]
        var nextToken: UInt64 = 0
        /// Tokens cancelled before their waiter was registered.
        var cancelled: Set<UInt64> = []
        var closed = false
    }

    private let state = Mutex(State())

    var hasWaiters: Bool { state.withLock { !$0.waiters.isEmpty } }

    func pendingIDs() -> [JobID] { state.withLock { Array($0.waiters.keys) } }

    /// Waits until `id` finishes (its outcome, or `notFound`), the registry closes (`nil`), or `cancel(token:)` is called.
    /// - Parameter register: called with the waiter's token once it is registered (to arrange a timeout).
    /// - Parameter registered: called once the waiter is in the registry (to wake the loop that fetches outcomes).
    func wait(for id: JobID, register: (UInt64) -> Void, registered: () -> Void) async -> Swift.Result<
        JobOutcome, QueueError
    >? {
        let token = state.withLock { state in
            state.nextToken += 1
            return state.nextToken
        }
        register(token)
        let outcome = await withCheckedContinuation { continuation in
            let accepted = state.withLock { state in
                guard !state.closed, !state.cancelled.contains(token) else { return false }
                state.waiters[id, default: []].append(Waiter(token: token, continuation: continuation))
                return true
            }
            if accepted { registered() } else { continuation.resume(returning: nil) }
        }
        state.withLock { _ = $0.cancelled.remove(token) }
        return outcome
    }

    /// Resumes the waiter `token` of `id` with `nil` (a timeout or a cancellation), if it still waits; a waiter not
    /// registered yet returns `nil` as soon as it is.
    func cancel(id: JobID, token: UInt64) {
        let found: CheckedContinuation<Swift.Result<JobOutcome, QueueError>?, Never>? = state.withLock { state in
            guard var list = state.waiters[id], let index = list.firstIndex(where: { $0.token == token }) else {
                state.cancelled.insert(token)
                return nil
            }
            let waiter = list.remove(at: index)
            state.waiters[id] = list.isEmpty ? nil : list
            return waiter.continuation
        }
        found?.resume(returning: nil)
    }

    /// Hands `outcome` (or the error that there is no such job) to every waiter of job `id`.
    func deliver(_ outcome: Swift.Result<JobOutcome, QueueError>, to id: JobID) {
        let found = state.withLock { $0.waiters.removeValue(forKey: id) } ?? []
        for waiter in found { waiter.continuation.resume(returning: outcome) }
    }

    /// Resumes every waiter with `nil`; later waits return `nil` at once.
    func closeAll() {
        let all = state.withLock { state in
            state.closed = true
            defer { state.waiters = [:] }
            return state.waiters.values.flatMap { $0 }
        }
        for waiter in all { waiter.continuation.resume(returning: nil) }
    }
}

/// One wait's timeout timer and cancellation, whichever comes first, for a waiter of ``WaiterRegistry``.
final class WaitControl: Sendable {
    private struct State {
        var token: UInt64? = nil
        var timer: Task<Void, Never>? = nil
        var cancelled = false
    }

    private let state = Mutex(State())

    /// Called once the waiter has its token: arranges `expire` at `deadline`, or at once if the task was cancelled
    /// already.
    func start(token: UInt64, deadline: ContinuousClock.Instant?, expire: @escaping @Sendable () -> Void) {
        let timer = deadline.map { deadline in
            Task {
                try? await Task.sleep(until: deadline, clock: .continuous)
                if !Task.isCancelled { expire() }
            }
        }
        let cancelled = state.withLock { state in
            state.token = token
            state.timer = timer
            return state.cancelled
        }
        if cancelled { expire() }
    }

    /// The waiting task was cancelled: ends the wait now if it has a token, else as soon as it gets one.
    func cancel(_ expire: (UInt64) -> Void) {
        let token = state.withLock { state in
            state.cancelled = true
            return state.token
        }
        if let token { expire(token) }
    }

    /// The wait is over: stops the timer.
    func finish() {
        state.withLock { $0.timer }?.cancel()
    }
}
