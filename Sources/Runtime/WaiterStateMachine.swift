/// The states of one ``Waiter``: a task that suspends once and is resumed exactly once, by whoever comes first of
/// its owner, its deadline and its cancellation.
///
/// A value type with no locking and no effects: ``Waiter`` holds it in a mutex and carries out the actions it
/// returns (resume a continuation, cancel a timer) after releasing the lock. Generic over the continuation so that
/// tests can drive every transition with plain values.
package struct WaiterStateMachine<Continuation> {
    /// Where the wait is.
    package enum State {
        /// Made, not suspended yet.
        case idle
        /// Suspended on `continuation`; `timer` is its deadline's timer once one is armed.
        case waiting(Continuation, timer: UInt64?)
        /// Resumed. A timer armed from now on is cancelled at once; later resumes do nothing.
        case resumed
    }

    package private(set) var state = State.idle

    package init() {}

    /// The task suspends on `continuation`. Called once, before anything can resume it.
    package mutating func suspend(on continuation: Continuation) {
        guard case .idle = state else { preconditionFailure("GIPCKit: a waiter suspended twice") }
        state = .waiting(continuation, timer: nil)
    }

    /// A deadline timer was armed for the wait.
    /// - Returns: the timer to cancel at once when the wait has ended already, else `nil`.
    package mutating func timerArmed(_ timer: UInt64) -> UInt64? {
        switch state {
        case .waiting(let continuation, nil):
            state = .waiting(continuation, timer: timer)
            return nil
        case .waiting, .idle:
            preconditionFailure("GIPCKit: a waiter's timer armed twice or before it suspended")
        case .resumed:
            return timer
        }
    }

    /// The wait ends.
    /// - Returns: the continuation to resume and the timer to cancel, or `nil` if the wait had ended already.
    package mutating func resume() -> (continuation: Continuation, timer: UInt64?)? {
        switch state {
        case .waiting(let continuation, let timer):
            state = .resumed
            return (continuation, timer)
        case .idle:
            preconditionFailure("GIPCKit: a waiter resumed before it suspended")
        case .resumed:
            return nil
        }
    }
}
