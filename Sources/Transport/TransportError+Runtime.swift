package import GIPCRuntime

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension TransportError {
    /// What the runtime threw, as the transport reports it: ``Code/timedOut``, ``Code/closed`` (a pipe end that was
    /// closed or handed on) or ``Code/systemError`` (``Code/peerClosed`` for `EPIPE`), with the runtime's
    /// descriptor, system call and `errno`.
    package init(_ error: RuntimeError) {
        switch error {
        case .timedOut(let message, let fd):
            self = .timedOut(fd: fd, message)
        case .closed(let fd):
            self = .closed(fd: fd)
        case .systemFailure(_, let syscall, EPIPE, let fd):
            self = .system(syscall, errno: EPIPE, fd: fd)
        case .systemFailure(let message, let syscall, let code, let fd):
            self.init(.systemError, message, fileDescriptor: fd, syscall: syscall, errno: code)
        }
    }

    /// Runs a wait on the runtime, turning a ``RuntimeError`` it throws into a `TransportError`; any other error
    /// (`CancellationError`, an error an owner resumed the wait with) passes through.
    static func mappingRuntime<R>(_ body: () async throws -> R) async throws -> R {
        do {
            return try await body()
        } catch let error as RuntimeError {
            throw TransportError(error)
        }
    }
}
