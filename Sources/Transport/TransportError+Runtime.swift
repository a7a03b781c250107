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
        switch error.code {
        case .timedOut:
            self = .timedOut(fd: error.fileDescriptor, error.message)
        case .closed:
            self = .closed(fd: error.fileDescriptor)
        default:
            if let syscall = error.syscall, let code = error.errno, code == EPIPE {
                self = .system(syscall, errno: code, fd: error.fileDescriptor)
            } else {
                self.init(
                    .systemError, error.message, fileDescriptor: error.fileDescriptor, syscall: error.syscall,
                    errno: error.errno)
            }
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
