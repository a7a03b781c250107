#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one error type of GIPCRuntime: what can go wrong while waiting on the runtime or starting it.
///
/// The runtime's callers turn it into their own error type where they call it: GIPCTransport into
/// `TransportError`, GIPCKit's process code into `GIPCError`, keeping the system call and its `errno`.
package enum RuntimeError: Error, Sendable, CustomStringConvertible {
    /// A system call failed: a sentence a person can act on, the call, its `errno`, and the descriptor involved.
    case systemFailure(String, syscall: String, errno: Int32, fileDescriptor: Int32?)
    /// A wait's deadline passed.
    case timedOut(String, fileDescriptor: Int32?)
    /// The readiness source was invalidated (its descriptor closed or handed on) before or during the wait.
    case closed(fileDescriptor: Int32)

    /// A failed system call, with the standard sentence.
    static func system(_ syscall: String, errno: Int32, fd: Int32? = nil) -> RuntimeError {
        .systemFailure("\(syscall) failed", syscall: syscall, errno: errno, fileDescriptor: fd)
    }

    /// The sentence that says what went wrong.
    package var message: String {
        switch self {
        case .systemFailure(let message, _, _, _), .timedOut(let message, _): message
        case .closed: "the descriptor is no longer watched (closed or handed on)"
        }
    }

    /// The descriptor involved, when there is one.
    package var fileDescriptor: Int32? {
        switch self {
        case .systemFailure(_, _, _, let fd), .timedOut(_, let fd): fd
        case .closed(let fd): fd
        }
    }

    package var description: String {
        var text = "RuntimeError: \(message)"
        if let fileDescriptor { text += " [fd \(fileDescriptor)]" }
        if case .systemFailure(_, let syscall, let errno, _) = self {
            text += " [\(syscall): \(String(cString: strerror(errno))) (errno \(errno))]"
        }
        return text
    }
}
