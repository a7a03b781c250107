import Synchronization

/// An async lock that serves waiters strictly in arrival order, with deadlines and cancellation.
///
/// Each pipe end has one, so that concurrent `send`s (or `receive`s) from many tasks run one whole frame at a time,
/// in the order they were called. Acquiring an unheld lock does not suspend. Releasing hands the lock directly to
/// the first waiter, so a newcomer can never overtake a queued task.
package final class FIFOLock: Sendable {
    private struct Waiter {
        var id: UInt64
        var timer: UInt64?
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var held = false
        var waiters = FIFOQueue<Waiter>()
        var nextID: UInt64 = 1
    }

    private let state = Mutex(State())
    /// Runs the timers of waits with a deadline.
    private let reactor: Reactor

    /// Creates an unheld lock whose deadlines run on `reactor`.
    package init(reactor: Reactor) {
        self.reactor = reactor
    }

    /// Whether some task holds the lock.
    package var isHeld: Bool { state.withLock { $0.held } }

    /// Takes the lock if nobody holds it; never suspends.
    /// - Returns: whether the lock was taken.
    package func tryLock() -> Bool {
        state.withLock { state in
            if state.held { return false }
            state.held = true
            return true
        }
    }

    /// Takes the lock, suspending behind earlier callers if it is held.
    /// - Parameters:
    ///   - deadline: when to give up waiting; `nil` waits without limit.
    ///   - timeoutError: the error to throw when the deadline passes.
    /// - Throws: `timeoutError()` when the deadline passes, `CancellationError` when the task is cancelled while
    ///   waiting. In both cases the lock is not held.
    package func lock(deadline: Deadline?, timeoutError: @escaping @Sendable () -> any Error) async throws {
        let id = state.withLock { state -> UInt64? in
            if !state.held {
                state.held = true
                return nil
            }
            defer { state.nextID += 1 }
            return state.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                var timer: UInt64? = nil
                if let deadline {
                    timer = reactor.schedule(at: deadline) {
                        // A strong reference: every path that ends the wait cancels the timer, which releases it.
                        self.abandon(id, with: timeoutError())
                    }
                }
                let immediate = state.withLock { state -> Result<Void, any Error>? in
                    if !state.held {
                        state.held = true
                        return .success(())
                    }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let deadline, deadline.hasPassed { return .failure(timeoutError()) }
                    state.waiters.append(Waiter(id: id, timer: timer, continuation: continuation))
                    return nil
                }
                if let immediate {
                    if let timer { reactor.cancelTimer(timer) }
                    continuation.resume(with: immediate)
                }
            }
        } onCancel: {
            self.abandon(id, with: CancellationError())
        }
    }

    /// Releases the lock, handing it to the first waiter if there is one.
    package func unlock() {
        let next = state.withLock { state -> Waiter? in
            precondition(state.held, "GIPCKit: unlock of a FIFOLock that is not held")
            if let next = state.waiters.popFirst() { return next }
            state.held = false
            return nil
        }
        if let next {
            if let timer = next.timer { reactor.cancelTimer(timer) }
            next.continuation.resume()
        }
    }

    private func abandon(_ id: UInt64, with error: any Error) {
        let waiter = state.withLock { $0.waiters.remove { $0.id == id } }
        if let waiter {
            if let timer = waiter.timer { reactor.cancelTimer(timer) }
            waiter.continuation.resume(throwing: error)
        }
    }
}
