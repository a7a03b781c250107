import Synchronization

/// One task suspended until its owner resumes it, its deadline passes or it is cancelled, whichever comes first;
/// it is resumed exactly once.
///
/// This is the one waiting primitive of the library: the FIFO lock, readiness sources, queued senders and process
/// joins all wait through it. The owner keeps waiters in its own state (a queue, a slot, a table) under its own
/// lock; the rule that makes "exactly once" hold is that whoever removes a waiter from the owner's state resumes
/// it: the owner when it serves it, ``wait(deadline:timers:timeout:enqueue:withdraw:)`` when the deadline or a
/// cancellation comes first. The transitions are in ``WaiterStateMachine``; see Runtime/README.md.
package final class Waiter<Success: Sendable>: Sendable {
    /// Unique in the process: owners that keep several waiters can find one by it.
    package let id: UInt64
    private let timers: any TimerScheduling
    private let machine = Mutex(WaiterStateMachine<CheckedContinuation<Success, any Error>>())

    private init(timers: any TimerScheduling) {
        self.id = waiterIDs.wrappingAdd(1, ordering: .relaxed).oldValue
        self.timers = timers
    }

    /// Suspends the calling task until the owner resumes the waiter, `deadline` passes, or the task is cancelled.
    ///
    /// - Parameters:
    ///   - deadline: when to give up; `nil` waits without limit.
    ///   - timers: what runs the deadline.
    ///   - timeout: the outcome when the deadline passes first (an error, or a value such as "no status yet").
    ///   - enqueue: called once, before suspending, with the new waiter: under the owner's lock, either return an
    ///     outcome at once (the waiter is not kept) or keep the waiter where the owner will serve it and return
    ///     `nil`.
    ///   - withdraw: called when the deadline passes or the task is cancelled, with the outcome the wait would end
    ///     with: under the owner's lock, remove the waiter and return `true` if the owner still keeps it; return
    ///     `false` if the owner has taken it already (the owner then resumes it).
    /// - Returns: the value the owner resumed the waiter with, or the `timeout` value.
    /// - Throws: the error the owner resumed the waiter with, the `timeout` error, or `CancellationError`.
    package static func wait(
        deadline: Deadline?,
        timers: any TimerScheduling,
        timeout: @escaping @Sendable () -> Result<Success, any Error>,
        enqueue: (Waiter<Success>) -> Result<Success, any Error>?,
        withdraw: @escaping @Sendable (Waiter<Success>, Result<Success, any Error>) -> Bool
    ) async throws -> Success {
        let waiter = Waiter(timers: timers)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Success, any Error>) in
                waiter.machine.withLock { $0.suspend(on: continuation) }
                if let immediate = enqueue(waiter) {
                    waiter.resume(with: immediate)
                    return
                }
                // The cancellation handler may have run before the owner kept the waiter; it found nothing then.
                if Task.isCancelled {
                    waiter.giveUp(with: .failure(CancellationError()), withdraw)
                    return
                }
                guard let deadline else { return }
                if deadline.hasPassed {
                    waiter.giveUp(with: timeout(), withdraw)
                    return
                }
                // The timer holds the waiter strongly; every way the wait ends cancels the timer, which releases it.
                let timer = timers.schedule(at: deadline) { waiter.giveUp(with: timeout(), withdraw) }
                if let late = waiter.machine.withLock({ $0.timerArmed(timer) }) { timers.cancelTimer(late) }
            }
        } onCancel: {
            waiter.giveUp(with: .failure(CancellationError()), withdraw)
        }
    }

    /// Ends the wait with `outcome` unless it has ended already; cancels the deadline's timer.
    /// - Returns: whether this call ended it.
    @discardableResult
    package func resume(with outcome: Result<Success, any Error>) -> Bool {
        guard let (continuation, timer) = machine.withLock({ $0.resume() }) else { return false }
        if let timer { timers.cancelTimer(timer) }
        continuation.resume(with: outcome)
        return true
    }

    /// Ends the wait with `outcome` if the owner still keeps the waiter and lets it go.
    private func giveUp(
        with outcome: Result<Success, any Error>,
        _ withdraw: (Waiter<Success>, Result<Success, any Error>) -> Bool
    ) {
        if withdraw(self, outcome) { resume(with: outcome) }
    }
}

/// The source of ``Waiter/id``.
private let waiterIDs = Atomic<UInt64>(1)
