import CGIPCSystem
import GIPCRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a ``FrameListener``'s accepting task shares with it: the listening socket, the handshake slots, the queue of
/// connections that passed and the tasks waiting for them. The task owns the socket: it closes it when it stops.
final class ListenerCore: Sendable {
    let end: PipeEnd
    let address: SocketAddress
    let options: SocketOptions
    let authentication: SocketAuthentication
    let state = Mutex(ListenerState())

    init(end: PipeEnd, address: SocketAddress, options: SocketOptions, authentication: SocketAuthentication) {
        self.end = end
        self.address = address
        self.options = options
        self.authentication = authentication
    }

    /// Accepts until cancelled or closed, each connection's handshake in a child task; then closes the socket.
    func acceptLoop() async {
        guard end.lock.tryLock() else { return }
        await withDiscardingTaskGroup { group in
            while true {
                do {
                    try await waitForSlot()
                    let fd = try await acceptDescriptor()
                    state.withLock { $0.handshakeStarted() }
                    group.addTask { await self.admit(fd) }
                } catch {
                    break
                }
            }
            group.cancelAll()
        }
        end.lock.unlock()
        try? end.close()
        if case .unix(let path) = address { _ = unlink(path) }
    }

    /// Waits until a handshake slot is free and the queue of connections that passed has room.
    private func waitForSlot() async throws {
        let limits = (options.maxConcurrentHandshakes, options.maxPendingConnections)
        try await Waiter<Void>.wait(
            deadline: nil, timers: end.source.reactor, timeout: { .success(()) },
            enqueue: { waiter in state.withLock { $0.slotOrWait(waiter, limits: limits) } },
            withdraw: { waiter, _ in self.state.withLock { $0.withdrawSlotWaiter(waiter) } })
        if state.withLock({ $0.closed }) { throw CancellationError() }
    }

    /// Accepts one connection, waiting in the reactor while none is pending. Out of descriptors, it pauses and
    /// tries again (the connection waits in the backlog) rather than spinning.
    private func acceptDescriptor() async throws -> Int32 {
        var pause: Duration = .milliseconds(10)
        while true {
            try Task.checkCancellation()
            let fd = gipc_socket_accept(end.fd)
            if fd >= 0 { return fd }
            let code = errno
            switch code {
            case EAGAIN, EWOULDBLOCK:
                try await TransportError.mappingRuntime {
                    try await end.source.wait(for: .read, deadline: nil)
                }
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                state.withLock { $0.statistics.lastFailure = "accept: \(String(cString: strerror(code)))" }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(500))
            default:
                // ECONNABORTED and the like: that client is gone; the next one is served.
                continue
            }
        }
    }

    /// Authenticates one accepted connection and queues it, or closes it.
    private func admit(_ fd: Int32) async {
        let connection: FrameConnection
        do {
            connection = try FrameConnection(adoptingConnected: fd, options: options)
        } catch {
            finish(.failed("\(error)"))
            return
        }
        do {
            if let authkey = authentication.authkey {
                try await connection.authenticateAsListener(authkey: authkey, timeout: options.handshakeTimeout)
            }
        } catch let error as TransportError where error.code == .timedOut {
            connection.closeQuietly()
            finish(.timedOut)
            return
        } catch {
            connection.closeQuietly()
            finish(.failed("\(error)"))
            return
        }
        finish(.passed(connection))
    }

    private func finish(_ outcome: ListenerState.Outcome) {
        let limits = (options.maxConcurrentHandshakes, options.maxPendingConnections)
        let (taker, refused, slot) = state.withLock { $0.handshakeEnded(outcome, limits: limits) }
        if let (waiter, connection) = taker { waiter.resume(with: .success(connection)) }
        refused?.closeQuietly()
        slot?.resume(with: .success(()))
    }

    func accept(timeout: Duration?) async throws -> FrameConnection {
        let fd = end.fd
        let limits = (options.maxConcurrentHandshakes, options.maxPendingConnections)
        let connection = try await Waiter<FrameConnection>.wait(
            deadline: Deadline.after(timeout), timers: end.source.reactor,
            timeout: {
                .failure(TransportError.timedOut(fd: fd, "no connection passed the handshake within the timeout"))
            },
            enqueue: { waiter in state.withLock { $0.takeOrWait(waiter, fd: fd) } },
            withdraw: { waiter, _ in self.state.withLock { $0.withdrawTaker(waiter) } })
        let slot = state.withLock { $0.freeSlotWaiter(limits: limits) }
        slot?.resume(with: .success(()))
        return connection
    }

    func close() {
        guard let (takers, ready, slot) = state.withLock({ $0.close() }) else { return }
        for waiter in takers { waiter.resume(with: .failure(TransportError.closed(fd: end.fd))) }
        for connection in ready { connection.closeQuietly() }
        slot?.resume(with: .success(()))
    }
}

/// A listener's bookkeeping, under its lock.
struct ListenerState {
    enum Outcome {
        case passed(FrameConnection)
        case failed(String)
        case timedOut
    }

    var statistics = FrameListener.Statistics()
    var ready: [FrameConnection] = []
    var takers: [Waiter<FrameConnection>] = []
    var slotWaiter: Waiter<Void>? = nil
    var closed = false

    private func hasSlot(limits: (handshakes: Int, pending: Int)) -> Bool {
        statistics.handshakesInProgress < limits.handshakes && ready.count < limits.pending
    }

    mutating func slotOrWait(_ waiter: Waiter<Void>, limits: (Int, Int)) -> Result<Void, any Error>? {
        if closed || hasSlot(limits: limits) { return .success(()) }
        slotWaiter = waiter
        return nil
    }

    mutating func withdrawSlotWaiter(_ waiter: Waiter<Void>) -> Bool {
        guard slotWaiter === waiter else { return false }
        slotWaiter = nil
        return true
    }

    /// The accepting task's waiter, taken out if a slot is free now.
    mutating func freeSlotWaiter(limits: (Int, Int)) -> Waiter<Void>? {
        guard hasSlot(limits: limits), let waiter = slotWaiter else { return nil }
        slotWaiter = nil
        return waiter
    }

    mutating func handshakeStarted() {
        statistics.accepted += 1
        statistics.handshakesInProgress += 1
        statistics.peakConcurrentHandshakes = max(statistics.peakConcurrentHandshakes, statistics.handshakesInProgress)
    }

    /// Records how a handshake ended. Returns the taker to hand a passed connection to, a connection to close
    /// (the listener closed meanwhile), and the accepting task's waiter if a slot is free now.
    mutating func handshakeEnded(_ outcome: Outcome, limits: (Int, Int)) -> (
        (Waiter<FrameConnection>, FrameConnection)?, FrameConnection?, Waiter<Void>?
    ) {
        statistics.handshakesInProgress -= 1
        var taker: (Waiter<FrameConnection>, FrameConnection)? = nil
        var refused: FrameConnection? = nil
        switch outcome {
        case .passed(let connection):
            statistics.authenticated += 1
            if closed {
                refused = connection
            } else if !takers.isEmpty {
                taker = (takers.removeFirst(), connection)
            } else {
                ready.append(connection)
            }
        case .failed(let reason):
            statistics.failedHandshakes += 1
            statistics.lastFailure = reason
        case .timedOut:
            statistics.timedOutHandshakes += 1
            statistics.lastFailure = "the handshake passed its deadline"
        }
        return (taker, refused, freeSlotWaiter(limits: limits))
    }

    mutating func takeOrWait(_ waiter: Waiter<FrameConnection>, fd: Int32) -> Result<FrameConnection, any Error>? {
        if !ready.isEmpty { return .success(ready.removeFirst()) }
        if closed { return .failure(TransportError.closed(fd: fd)) }
        takers.append(waiter)
        return nil
    }

    mutating func withdrawTaker(_ waiter: Waiter<FrameConnection>) -> Bool {
        guard let index = takers.firstIndex(where: { $0 === waiter }) else { return false }
        takers.remove(at: index)
        return true
    }

    /// Marks the listener closed. Returns `nil` if it was closed already, else the waiting takers, the connections
    /// nobody took, and the accepting task's waiter.
    mutating func close() -> ([Waiter<FrameConnection>], [FrameConnection], Waiter<Void>?)? {
        guard !closed else { return nil }
        closed = true
        defer {
            takers = []
            ready = []
            slotWaiter = nil
        }
        return (takers, ready, slotWaiter)
    }
}
