/// What runs the deadlines of waits: the ``Reactor`` in the library, a manual clock in tests.
package protocol TimerScheduling: Sendable {
    /// Runs `action` once `deadline` passes, unless cancelled first.
    /// - Returns: an identifier for ``cancelTimer(_:)``.
    func schedule(at deadline: Deadline, _ action: @escaping @Sendable () -> Void) -> UInt64

    /// Cancels a timer; cancelling one that already ran does nothing.
    func cancelTimer(_ id: UInt64)
}

extension Reactor: TimerScheduling {}
