import Synchronization

/// One registered descriptor in the ``Reactor``: the place where one task at a time waits for readiness.
///
/// The descriptor is armed for one report at a time. A wait that finds the descriptor disarmed (it was reported,
/// to a waiter or to nobody) re-arms it before suspending, and the poller then reports it at once if it is ready:
/// so no readiness is lost between a failed read and the start of the wait, and a report that found nobody waiting
/// needs no bookkeeping.
package final class ReadinessSource: Sendable {
    private struct State {
        /// The waiting task and what it waits for.
        var waiter: (waiter: Waiter<Void>, events: ReadinessEvents)? = nil
        var invalidated = false
        /// Whether the poller will report the descriptor (it disarms it after each report).
        var armed = true
    }

    let fd: Int32
    let token: UInt64
    let events: ReadinessEvents
    /// The reactor this source is registered with; it also runs the timers of operations on its descriptor.
    package let reactor: Reactor
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
    /// - Throws: ``RuntimeError/timedOut(_:fileDescriptor:)`` when the deadline passes,
    ///   ``RuntimeError/closed(fileDescriptor:)`` when the source is invalidated, ``RuntimeError/systemFailure(_:syscall:errno:fileDescriptor:)`` when the
    ///   poller refuses to re-arm the descriptor, `CancellationError` when the task is cancelled.
    package func wait(for events: ReadinessEvents, deadline: Deadline?) async throws {
        let wanted = events.union([.hangup, .error])
        let fd = self.fd
        try await Waiter<Void>.wait(
            deadline: deadline, timers: reactor,
            timeout: { .failure(RuntimeError.timedOut("readiness wait timed out", fileDescriptor: fd)) },
            enqueue: { waiter in
                state.withLock { state -> Result<Void, any Error>? in
                    if state.invalidated { return .failure(RuntimeError.closed(fileDescriptor: fd)) }
                    if !state.armed {
                        // Under the lock: `invalidate()` cannot deregister (and the owner close) the fd meanwhile.
                        let code = reactor.rearm(self)
                        if code != 0 { return .failure(RuntimeError.system(Reactor.rearmCall, errno: code, fd: fd)) }
                        state.armed = true
                    }
                    precondition(state.waiter == nil, "GIPCKit: two tasks wait on one descriptor")
                    state.waiter = (waiter, wanted)
                    return nil
                }
            },
            withdraw: { waiter, _ in
                self.state.withLock { state in
                    guard let current = state.waiter, current.waiter === waiter else { return false }
                    state.waiter = nil
                    return true
                }
            })
    }

    /// Called by the reactor thread with the events the poller reported.
    func signal(_ events: ReadinessEvents) {
        let woken = state.withLock { state -> Waiter<Void>? in
            state.armed = false
            guard let current = state.waiter, !current.events.isDisjoint(with: events) else { return nil }
            state.waiter = nil
            return current.waiter
        }
        woken?.resume(with: .success(()))
    }

    /// Stops watching the descriptor: removes it from the reactor and fails a waiting task with
    /// ``RuntimeError/closed(fileDescriptor:)``. Call before closing the descriptor or handing it to another process.
    package func invalidate() {
        let woken = state.withLock { state -> Waiter<Void>? in
            guard !state.invalidated else { return nil }
            state.invalidated = true
            defer { state.waiter = nil }
            return state.waiter?.waiter
        }
        reactor.deregister(self)
        woken?.resume(with: .failure(RuntimeError.closed(fileDescriptor: fd)))
    }
}
