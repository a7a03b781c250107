import CGIPCSystem
import GIPCRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ownership of one pipe descriptor: its FIFO operation lock, its readiness registration, and the one-way
/// transition from open to closed or transferred. Shared by ``FrameReader`` and ``FrameWriter``.
///
/// The descriptor can be closed only once and never while an operation holds the lock, so an fd number is never
/// used after it was closed (and possibly reused by other code).
final class PipeEnd: Sendable {
    private enum Status: UInt8, AtomicRepresentable {
        case open
        case closed
        case transferred
    }

    /// The descriptor number (kept for messages after it is closed).
    let fd: Int32
    /// Serialises operations in arrival order.
    let lock: FIFOLock
    /// Where operations wait for readiness.
    let source: ReadinessSource
    /// Read on every operation without a lock: it changes once, under the operation lock.
    private let status = Atomic(Status.open)

    /// Takes ownership of `fd`: sets O_NONBLOCK and FD_CLOEXEC and registers it with the reactor (starting the
    /// reactor if this is the process's first descriptor).
    /// - Throws: ``TransportError/Code/systemError`` when the descriptor cannot be set up or the reactor cannot
    ///   start; `fd` stays open then (the caller still owns it).
    init(adopting fd: Int32, events: ReadinessEvents) throws(TransportError) {
        guard fd >= 0 else { throw TransportError(.closed, "invalid file descriptor \(fd)", fileDescriptor: fd) }
        if gipc_set_nonblocking(fd, 1) != 0 { throw TransportError.system("fcntl(O_NONBLOCK)", errno: errno, fd: fd) }
        if gipc_set_cloexec(fd, 1) != 0 { throw TransportError.system("fcntl(FD_CLOEXEC)", errno: errno, fd: fd) }
        self.fd = fd
        let reactor: Reactor
        let source: ReadinessSource
        do {
            reactor = try Reactor.running()
            source = try reactor.register(fd: fd, events: events)
        } catch {
            throw TransportError(error)
        }
        self.lock = FIFOLock(timers: reactor)
        self.source = source
    }

    /// Whether the descriptor is still owned here.
    var isOpen: Bool { status.load(ordering: .acquiring) == .open }

    /// Throws unless the descriptor is open. Call with the operation lock held.
    func checkOpen() throws(TransportError) {
        switch status.load(ordering: .acquiring) {
        case .open: return
        case .closed: throw TransportError.closed(fd: fd)
        case .transferred:
            throw TransportError(.transferred, "the pipe end was handed to a child process", fileDescriptor: fd)
        }
    }

    /// Closes the descriptor.
    /// - Throws: ``TransportError/Code/locked`` if a task is inside an operation (nothing changes then),
    ///   ``TransportError/Code/closed`` or ``TransportError/Code/transferred`` if it was already given up.
    func close() throws(TransportError) {
        try takeIdleLock()
        defer { lock.unlock() }
        try checkOpen()
        release(as: .closed)
    }

    /// Starts handing the descriptor to a child process: takes the operation lock (so no task uses it meanwhile)
    /// and returns the descriptor, still owned here. Follow with ``completeTransfer()`` once the child has
    /// started, or ``abortTransfer()`` if it could not be started.
    /// - Throws: as ``close()``.
    func beginTransfer() throws(TransportError) -> Int32 {
        try takeIdleLock()
        do {
            try checkOpen()
        } catch {
            lock.unlock()
            throw error
        }
        return fd
    }

    /// Finishes a transfer begun with ``beginTransfer()``: the child has its copy, so this process closes its own.
    func completeTransfer() {
        release(as: .transferred)
        lock.unlock()
    }

    /// Cancels a transfer begun with ``beginTransfer()``: the pipe end stays usable here.
    func abortTransfer() {
        lock.unlock()
    }

    /// Takes the operation lock if no task holds it.
    /// - Throws: ``TransportError/Code/locked`` when a task is inside an operation, or the error of
    ///   ``checkOpen()`` when the descriptor was given up already.
    private func takeIdleLock() throws(TransportError) {
        guard lock.tryLock() else {
            try checkOpen()
            throw TransportError.locked(fd: fd)
        }
    }

    /// Gives the descriptor up for good: stops watching it and closes this process's copy.
    private func release(as newStatus: Status) {
        status.store(newStatus, ordering: .releasing)
        source.invalidate()
        Syscalls.close(fd)
    }

    deinit {
        if isOpen { release(as: .closed) }
    }
}
