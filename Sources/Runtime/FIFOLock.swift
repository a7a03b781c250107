import Synchronization

/// An async lock that serves waiters strictly in arrival order, with deadlines and cancellation.
///
/// Each pipe end has one, so that concurrent `receive`s (and `close` or a transfer) run one at a time, in the order
/// they were called. Acquiring an unheld lock does not suspend. Releasing hands the lock directly to the first
/// waiter, so a newcomer can never overtake a queued task.
package final class FIFOLock: Sendable {
    private struct State {
        var held = false
        var waiters = FIFOQueue<Waiter<Void>>()
    }

    private let state = Mutex(State())
    /// Runs the timers of waits with a deadline.
    private let timers: any TimerScheduling

    /// Creates an unheld lock whose deadlines run on `timers` (the reactor).
    package init(timers: any TimerScheduling) {
        self.timers = timers
    }

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
        if tryLock() { return }
        try await Waiter<Void>.wait(
            deadline: deadline, timers: timers, timeout: { .failure(timeoutError()) },
            enqueue: { waiter in
                state.withLock { state in
                    if !state.held {
                        state.held = true
                        return .success(())
                    }
                    state.waiters.append(waiter)
                    return nil
                }
            },
            withdraw: { waiter, _ in
                self.state.withLock { $0.waiters.remove { $0 === waiter } } != nil
            })
    }

    /// Releases the lock, handing it to the first waiter if there is one.
    package func unlock() {
        let next = state.withLock { state -> Waiter<Void>? in
            precondition(state.held, "GIPCKit: unlock of a FIFOLock that is not held")
            if let next = state.waiters.popFirst() { return next }
            state.held = false
            return nil
        }
        next?.resume(with: .success(()))
    }
}
