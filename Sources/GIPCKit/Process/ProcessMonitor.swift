import CGIPCSystem
import GIPCRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Watches one child until it exits, reaps it, and hands its exit status to every task that joins it.
///
/// - Exit is observed without polling: the child's pidfd is registered with the ``Reactor`` and becomes readable
///   when the child exits. Where there is no pidfd (ENOSYS, macOS), the monitor polls `waitid(WNOHANG)` on
///   reactor timers with a backoff from 1 ms to 100 ms.
/// - Reaping is `waitid(P_PID, pid, WEXITED | WNOHANG)` on this child only, never `waitpid(-1)`, so children
///   that other code started are never reaped here.
/// - The watch runs in its own task from the moment the child starts, whether or not anybody joins, so every
///   child is reaped and none is left a zombie. The task keeps the monitor alive until then.
/// - Reaping and signalling happen under one lock, and a reaped child is never signalled, so a signal never
///   reaches another process that reuses the pid. With a pidfd the kernel guarantees this as well.
/// - If other code reaps the child first (`waitpid(-1)`, or SIGCHLD set to SIG_IGN), its status is lost; the
///   monitor then reports `.exited(0)`, as CPython's `subprocess` does in the same situation.
final class ProcessMonitor: Sendable {
    private struct State {
        var status: ExitStatus? = nil
        /// Open until the child is reaped.
        var pidfd: Int32?
        var source: ReadinessSource?
        /// Tasks waiting for the exit, by ``Waiter/id``.
        var joiners: [UInt64: Waiter<ExitStatus?>] = [:]
        /// Whether the process group gets SIGKILL right before the child is reaped.
        var killGroupOnExit: Bool
    }

    /// What reaping leaves to do once the lock is released.
    private struct Completion {
        var status: ExitStatus
        var joiners: [Waiter<ExitStatus?>]
        var source: ReadinessSource?
        var pidfd: Int32?
    }

    private enum ReapResult {
        case running
        case finished
        case reaped(Completion)
    }

    /// The child's process ID.
    let pid: Int32
    private let state: Mutex<State>
    /// Watches the pidfd and runs the timers of joins and of polling.
    private let reactor: Reactor

    private init(pid: Int32, pidfd: Int32?, reactor: Reactor, killGroupOnExit: Bool) {
        var source: ReadinessSource? = nil
        if let pidfd {
            // If the reactor refuses the pidfd, the monitor polls; the pidfd still makes signals safe.
            source = try? reactor.register(fd: pidfd, events: .read)
        }
        self.pid = pid
        self.reactor = reactor
        self.state = Mutex(State(pidfd: pidfd, source: source, killGroupOnExit: killGroupOnExit))
    }

    /// Starts watching a child this process started; takes ownership of `pidfd`.
    /// - Parameter killGroupOnExit: whether the child's process group gets SIGKILL right before it is reaped.
    static func start(pid: Int32, pidfd: Int32?, reactor: Reactor, killGroupOnExit: Bool = false) -> ProcessMonitor {
        let monitor = ProcessMonitor(pid: pid, pidfd: pidfd, reactor: reactor, killGroupOnExit: killGroupOnExit)
        Task.detached { await monitor.watch() }
        return monitor
    }

    // MARK: status

    /// The exit status, after trying to reap the child once more if it is not known yet.
    var status: ExitStatus? {
        if let status = state.withLock({ $0.status }) { return status }
        reap()
        return state.withLock { $0.status }
    }

    /// Suspends until the child has exited and been reaped, or `deadline` passes.
    /// - Returns: the exit status, or `nil` when the deadline passed first.
    /// - Throws: `CancellationError` when the calling task is cancelled (the child is still reaped later).
    func wait(until deadline: Deadline?) async throws -> ExitStatus? {
        try await Waiter<ExitStatus?>.wait(
            deadline: deadline, timers: reactor, timeout: { .success(nil) },
            enqueue: { waiter in
                state.withLock { state in
                    if let status = state.status { return .success(status) }
                    state.joiners[waiter.id] = waiter
                    return nil
                }
            },
            withdraw: { waiter, _ in
                self.state.withLock { $0.joiners.removeValue(forKey: waiter.id) } != nil
            })
    }

    // MARK: signals

    /// Sends `signal` to the child unless it has already been reaped (then nothing happens).
    /// - Throws: ``GIPCError/Code/invalidArgument`` for a signal number the kernel refuses,
    ///   ``GIPCError/Code/processControlFailed`` when the kernel refuses to deliver it (EPERM).
    func send(_ signal: Int32) throws(GIPCError) {
        try state.withLock { (state: inout State) throws(GIPCError) in
            guard state.status == nil else { return }
            var syscall = "kill"
            var rc: Int32 = -1
            if let pidfd = state.pidfd {
                syscall = "pidfd_send_signal"
                rc = gipc_pidfd_send_signal(pidfd, signal)
            }
            if state.pidfd == nil || (rc != 0 && errno == ENOSYS) {
                // Not reaped yet (checked under the lock that reaping takes), so the pid is still this child's.
                syscall = "kill"
                rc = kill(pid, signal)
            }
            guard rc != 0 else { return }
            try refusal(of: signal, to: "the child", syscall: syscall, errno: errno)
        }
    }

    /// Sends `signal` to the child's process group (`kill(-pid, signal)`) unless the child has been reaped (then
    /// nothing happens). Until then the child, a zombie at worst, keeps its pid and so its group ID from being
    /// reused: the signal reaches only processes in the group it leads.
    /// - Throws: as ``send(_:)``.
    func signalGroup(_ signal: Int32) throws(GIPCError) {
        try state.withLock { (state: inout State) throws(GIPCError) in
            guard state.status == nil else { return }
            // If other code reaped the child, the pid may be reused: the pidfd tells (ESRCH once reaped).
            if let pidfd = state.pidfd, gipc_pidfd_send_signal(pidfd, 0) != 0, errno == ESRCH { return }
            guard kill(-pid, signal) != 0 else { return }
            try refusal(of: signal, to: "the child's process group", syscall: "kill", errno: errno)
        }
    }

    /// From now on, the child's process group gets SIGKILL right before the child is reaped (if it has not been).
    func killGroupOnExit() {
        state.withLock { $0.killGroupOnExit = true }
    }

    /// Throws the error for a refused signal; returns for ESRCH (the target has exited, or the group is empty).
    private func refusal(of signal: Int32, to target: String, syscall: String, errno code: Int32) throws(GIPCError) {
        switch code {
        case ESRCH:
            return
        case EINVAL:
            throw GIPCError(
                .invalidArgument, "\(signal) is not a valid signal number", syscall: syscall, errno: code, pid: pid)
        default:
            throw GIPCError(
                .processControlFailed, "cannot send signal \(signal) to \(target)", syscall: syscall, errno: code,
                pid: pid)
        }
    }

    // MARK: watching and reaping

    private func watch() async {
        if let source = state.withLock({ $0.source }) {
            // Throws only when the source is invalidated, which happens once the child has been reaped.
            try? await source.wait(for: .read, deadline: nil)
            if reap() { return }
        }
        var delay = Duration.milliseconds(1)
        while !reap() {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                _ = reactor.schedule(at: .after(delay) ?? .now) { continuation.resume() }
            }
            delay = min(delay * 2, .milliseconds(100))
        }
    }

    /// Reaps the child if it has exited and completes every joiner.
    /// - Returns: whether the child has been reaped (now or before).
    @discardableResult
    private func reap() -> Bool {
        let result = state.withLock { state -> ReapResult in
            guard state.status == nil else { return .finished }
            if state.killGroupOnExit, gipc_has_exited(pid) == 1 {
                // The zombie still reserves the group ID: only what the child left in its group gets this.
                _ = kill(-pid, SIGKILL)
            }
            var signaled: Int32 = 0
            var value: Int32 = 0
            let rc = gipc_reap(pid, &signaled, &value)
            if rc == 0 { return .running }
            // rc < 0 is ECHILD: other code reaped the child and its status is lost (see the type's notes).
            let status: ExitStatus = rc > 0 ? (signaled != 0 ? .signaled(value) : .exited(value)) : .exited(0)
            state.status = status
            let completion = Completion(
                status: status, joiners: Array(state.joiners.values), source: state.source, pidfd: state.pidfd)
            state.joiners.removeAll()
            state.source = nil
            state.pidfd = nil
            return .reaped(completion)
        }
        switch result {
        case .running:
            return false
        case .finished:
            return true
        case .reaped(let completion):
            for joiner in completion.joiners { joiner.resume(with: .success(completion.status)) }
            completion.source?.invalidate()
            if let pidfd = completion.pidfd { close(pidfd) }
            return true
        }
    }
}
