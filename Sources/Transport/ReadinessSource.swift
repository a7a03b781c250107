import Synchronization

/// One registered descriptor in the ``Reactor``: the place where one task at a time waits for readiness.
///
/// The descriptor is armed for one report at a time. A report that arrives while nobody waits is kept, and the
/// next wait returns at once (the caller then retries its I/O and, if it sees `EAGAIN` again, waits for real).
/// A wait that finds the descriptor disarmed re-arms it before suspending, and the poller then reports it at once
/// if it is ready: so no readiness is lost between a failed read and the start of the wait.
package final class ReadinessSource: Sendable {
    private struct Waiter {
        var id: UInt64
        var events: ReadinessEvents
        var timer: UInt64?
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var pending: ReadinessEvents = []
        var waiter: Waiter? = nil
        var nextWaiterID: UInt64 = 1
        var invalidated = false
        /// Whether the poller will report the descriptor (it disarms it after each report).
        var armed = true
    }

    let fd: Int32
    let token: UInt64
    let events: ReadinessEvents
    /// The reactor this source is registered with; it also runs the timers of operations on its descriptor.
    let reactor: Reactor
    private let state = Mutex(State())

    init(reactor: Reactor, fd: Int32, token: UInt64, events: ReadinessEvents) {
        self.reactor = reactor
        self.fd = fd
        self.token = token
        self.events = events
    }

    /// Suspends until the descriptor reports one of `events` (or a hang-up or error, which the caller's next I/O
    /// call turns into its own result).
    /// - Parameters:
    ///   - events: what to wait for.
    ///   - deadline: when to give up; `nil` waits without limit.
    /// - Throws: ``TransportError`` ``TransportError/Code/timedOut`` when the deadline passes,
    ///   ``TransportError/Code/closed`` when the source is invalidated, `CancellationError` when the task is
    ///   cancelled.
    package func wait(for events: ReadinessEvents, deadline: Deadline?) async throws {
        let wanted = events.union([.hangup, .error])
        let id = state.withLock { state -> UInt64 in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                var timer: UInt64? = nil
                if let deadline {
                    timer = reactor.schedule(at: deadline) {
                        // A strong reference: every path that ends the wait cancels the timer, which releases it.
                        self.finish(waiter: id, with: TransportError.timedOut(fd: nil, "readiness wait timed out"))
                    }
                }
                let immediate = state.withLock { state -> Result<Void, any Error>? in
                    if state.invalidated { return .failure(TransportError.closed(fd: self.fd)) }
                    if !state.pending.isDisjoint(with: wanted) {
                        state.pending.subtract(wanted)
                        return .success(())
                    }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let deadline, deadline.hasPassed {
                        return .failure(TransportError.timedOut(fd: self.fd, "readiness wait timed out"))
                    }
                    if !state.armed {
                        // Under the lock: `invalidate()` cannot deregister (and the owner close) the fd meanwhile.
                        let code = reactor.rearm(self)
                        if code != 0 {
                            return .failure(TransportError.system("epoll_ctl(MOD)", errno: code, fd: self.fd))
                        }
                        state.armed = true
                    }
                    precondition(state.waiter == nil, "GIPCKit: two tasks wait on one descriptor")
                    state.waiter = Waiter(id: id, events: wanted, timer: timer, continuation: continuation)
                    return nil
                }
                if let immediate {
                    if let timer { reactor.cancelTimer(timer) }
                    continuation.resume(with: immediate)
                }
            }
        } onCancel: {
            self.finish(waiter: id, with: CancellationError())
        }
    }

    /// Called by the reactor thread with the events the poller reported.
    func signal(_ events: ReadinessEvents) {
        let woken = state.withLock { state -> Waiter? in
            state.armed = false
            if let waiter = state.waiter, !waiter.events.isDisjoint(with: events) {
                state.waiter = nil
                return waiter
            }
            state.pending.formUnion(events)
            return nil
        }
        if let woken {
            if let timer = woken.timer { reactor.cancelTimer(timer) }
            woken.continuation.resume()
        }
    }

    /// Stops watching the descriptor: removes it from the reactor and fails a waiting task with
    /// ``TransportError/Code/closed``. Call before closing the descriptor or handing it to another process.
    package func invalidate() {
        let woken = state.withLock { state -> Waiter? in
            guard !state.invalidated else { return nil }
            state.invalidated = true
            defer { state.waiter = nil }
            return state.waiter
        }
        reactor.deregister(self)
        if let woken {
            if let timer = woken.timer { reactor.cancelTimer(timer) }
            woken.continuation.resume(throwing: TransportError.closed(fd: fd))
        }
    }

    private func finish(waiter id: UInt64, with error: any Error) {
        let woken = state.withLock { state -> Waiter? in
            guard let waiter = state.waiter, waiter.id == id else { return nil }
            state.waiter = nil
            return waiter
        }
        if let woken {
            if let timer = woken.timer { reactor.cancelTimer(timer) }
            woken.continuation.resume(throwing: error)
        }
    }
}
