import CGIPCSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's one readiness thread.
///
/// Pipe ends and process monitors register their descriptors here once. Tasks never block: they try their I/O at
/// once and, only on `EAGAIN`, suspend on their ``ReadinessSource`` until this thread sees the descriptor become
/// ready. A descriptor is reported once and then stays silent until a task waits on it again, so the writes into
/// a pipe whose reader is busy (or spinning) do not wake this thread. The same thread runs the timers behind every
/// timeout in the library.
///
/// The platform part is the small C poller interface in CGIPCSystem: epoll on Linux, kqueue on Darwin.
package final class Reactor: Sendable {
    /// The reactor of this process once it has started.
    private static let instance = Mutex<Reactor?>(nil)

    /// The reactor of this process, started on first use.
    ///
    /// Starting needs two descriptors (the readiness queue and its wake-up object) and a thread. When the process
    /// is out of either, this throws and leaves nothing behind; the next call tries again.
    /// - Returns: the running reactor.
    /// - Throws: ``RuntimeError/systemFailure(_:syscall:errno:fileDescriptor:)`` (`EMFILE`, `ENFILE`, `EAGAIN`, ...).
    package static func running() throws(RuntimeError) -> Reactor {
        try instance.withLock { (slot: inout Reactor?) throws(RuntimeError) -> Reactor in
            if let reactor = slot { return reactor }
            let reactor = try Reactor()
            slot = reactor
            return reactor
        }
    }

    private struct State {
        var nextToken: UInt64 = 1
        var sources: [UInt64: ReadinessSource] = [:]
        var timers = TimerQueue()
        /// The deadline the reactor thread sleeps until (`Int64.max`: no timer), or `nil` while it is awake.
        var sleepingUntil: Int64? = nil
    }

    private let poller: Int32
    private let wakeupRead: Int32
    private let wakeupWrite: Int32
    private let state = Mutex(State())

    /// Creates the readiness queue and its wake-up object and starts the thread; on failure closes what it made.
    private init() throws(RuntimeError) {
        SignalPolicy.ignoreSIGPIPE()
        let poller = gipc_poller_create()
        guard poller >= 0 else { throw Self.startFailure(Self.pollerCall, "its readiness queue", errno: errno) }
        var wakeupWrite: Int32 = -1
        let wakeupRead = gipc_wakeup_create(&wakeupWrite)
        guard wakeupRead >= 0 else {
            let code = errno
            closeDescriptor(poller)
            throw Self.startFailure(Self.wakeupCall, "its wake-up descriptor", errno: code)
        }
        func closeAll() {
            closeDescriptor(poller)
            closeDescriptor(wakeupRead)
            if wakeupWrite != wakeupRead { closeDescriptor(wakeupWrite) }
        }
        guard gipc_poller_add(poller, wakeupRead, UInt32(GIPC_EVENT_READ), 0) == 0 else {
            let code = errno
            closeAll()
            throw Self.startFailure(Self.addCall, "watching its wake-up descriptor", errno: code)
        }
        self.poller = poller
        self.wakeupRead = wakeupRead
        self.wakeupWrite = wakeupWrite
        do {
            try DedicatedThread.start(name: "gipc-reactor") { self.run() }
        } catch {
            closeAll()
            guard case .systemFailure(_, _, let code, _) = error else { throw error }
            throw Self.startFailure("pthread_create", "its thread", errno: code)
        }
    }

    // The system calls behind the C poller interface, for error messages.
    #if os(Linux)
        private static let pollerCall = "epoll_create1"
        private static let wakeupCall = "eventfd"
        private static let addCall = "epoll_ctl(ADD)"
        static let rearmCall = "epoll_ctl(MOD)"
    #else
        private static let pollerCall = "kqueue"
        private static let wakeupCall = "pipe"
        private static let addCall = "kevent(EV_ADD)"
        static let rearmCall = "kevent(EV_ENABLE)"
    #endif

    private static func startFailure(_ syscall: String, _ part: String, errno code: Int32) -> RuntimeError {
        .systemFailure(
            "cannot start the reactor: creating \(part) failed (the process may be out of descriptors or threads; "
                + "the next pipe tries again)",
            syscall: syscall, errno: code, fileDescriptor: nil)
    }

    // MARK: registration

    /// Registers `fd` for readiness, armed for one report, and returns the source that tasks wait on.
    /// - Throws: ``RuntimeError/systemFailure(_:syscall:errno:fileDescriptor:)`` if the poller refuses the fd.
    package func register(fd: Int32, events: ReadinessEvents) throws(RuntimeError) -> ReadinessSource {
        let token = state.withLock { state -> UInt64 in
            let token = state.nextToken
            state.nextToken += 1
            return token
        }
        let source = ReadinessSource(reactor: self, fd: fd, token: token, events: events)
        state.withLock { $0.sources[token] = source }
        if gipc_poller_add(poller, fd, events.rawValue, token) != 0 {
            let code = errno
            _ = state.withLock { $0.sources.removeValue(forKey: token) }
            throw RuntimeError.system(Self.addCall, errno: code, fd: fd)
        }
        return source
    }

    /// Arms a source's descriptor for one more report (sources are reported once, then stay silent until a task
    /// waits on them again). Called by ``ReadinessSource`` with its state locked, so the descriptor is still open.
    /// - Returns: 0, or the `errno` of a refusal.
    func rearm(_ source: ReadinessSource) -> Int32 {
        gipc_poller_rearm(poller, source.fd, source.events.rawValue, source.token) == 0 ? 0 : errno
    }

    /// Removes a source; called by ``ReadinessSource/invalidate()`` before its descriptor is closed or handed on.
    func deregister(_ source: ReadinessSource) {
        _ = gipc_poller_remove(poller, source.fd, source.events.rawValue)
        _ = state.withLock { $0.sources.removeValue(forKey: source.token) }
    }

    // MARK: timers

    /// Runs `action` on the reactor thread once `deadline` passes, unless cancelled first.
    /// - Returns: an identifier for ``cancelTimer(_:)``.
    package func schedule(at deadline: Deadline, _ action: @escaping @Sendable () -> Void) -> UInt64 {
        let (id, mustWake) = state.withLock { state -> (UInt64, Bool) in
            let id = state.timers.schedule(at: deadline.nanoseconds, action)
            if let sleeping = state.sleepingUntil, deadline.nanoseconds < sleeping {
                state.sleepingUntil = nil
                return (id, true)
            }
            return (id, false)
        }
        if mustWake { gipc_wakeup_signal(wakeupWrite) }
        return id
    }

    /// Cancels a timer scheduled with ``schedule(at:_:)``. Cancelling a timer that already ran does nothing.
    package func cancelTimer(_ id: UInt64) {
        state.withLock { _ = $0.timers.cancel(id) }
    }

    // MARK: the thread

    private func run() -> Never {
        let capacity = 64
        let tokens = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
        let events = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        var ready: [(ReadinessSource, UInt32)] = []
        ready.reserveCapacity(capacity)
        while true {
            let timeout = state.withLock { state -> Int32 in
                guard let earliest = state.timers.earliestDeadline() else {
                    state.sleepingUntil = Int64.max
                    return -1
                }
                state.sleepingUntil = earliest
                let remaining = earliest - gipc_monotonic_nanos()
                if remaining <= 0 { return 0 }
                // Round up so a timer never fires early.
                return Int32(clamping: (remaining + 999_999) / 1_000_000)
            }
            let count = gipc_poller_wait(poller, tokens, events, Int32(capacity), timeout)
            let now = gipc_monotonic_nanos()
            let expired = state.withLock { state -> [TimerQueue.Action] in
                state.sleepingUntil = nil
                if count > 0 {
                    for index in 0..<Int(count) where tokens[index] != 0 {
                        if let source = state.sources[tokens[index]] { ready.append((source, events[index])) }
                    }
                }
                return state.timers.popExpired(now: now)
            }
            if count > 0 {
                for index in 0..<Int(count) where tokens[index] == 0 {
                    gipc_wakeup_drain(wakeupRead)
                    _ = gipc_poller_rearm(poller, wakeupRead, UInt32(GIPC_EVENT_READ), 0)
                }
            }
            for (source, mask) in ready { source.signal(ReadinessEvents(rawValue: mask)) }
            ready.removeAll(keepingCapacity: true)
            for action in expired { action() }
        }
    }
}

/// Readiness conditions a source is registered for and signalled with.
package struct ReadinessEvents: OptionSet, Sendable {
    package let rawValue: UInt32
    package init(rawValue: UInt32) { self.rawValue = rawValue }

    package static let read = ReadinessEvents(rawValue: UInt32(GIPC_EVENT_READ))
    package static let write = ReadinessEvents(rawValue: UInt32(GIPC_EVENT_WRITE))
    package static let hangup = ReadinessEvents(rawValue: UInt32(GIPC_EVENT_HANGUP))
    package static let error = ReadinessEvents(rawValue: UInt32(GIPC_EVENT_ERROR))
}

/// Closes `fd` once, for a reactor that could not start. `EINTR` is not retried: on Linux the descriptor is gone
/// either way.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
