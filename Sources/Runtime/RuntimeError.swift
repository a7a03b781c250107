#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one error type of GIPCRuntime.
///
/// The runtime's callers turn it into their own error type where they call it: GIPCTransport into
/// `TransportError`, GIPCKit's process code into `GIPCError`, keeping the code, the system call and its `errno`.
package struct RuntimeError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }

        /// A system call failed; ``RuntimeError/syscall`` and ``RuntimeError/errno`` say which and why.
        package static let systemError = Code("systemError")
        /// A wait's deadline passed.
        package static let timedOut = Code("timedOut")
        /// The readiness source was invalidated (its descriptor closed or handed on) before or during the wait.
        package static let closed = Code("closed")

        package var description: String { name }
    }

    /// What went wrong.
    package let code: Code
    /// A sentence a person can act on.
    package let message: String
    /// The file descriptor involved, when there is one.
    package let fileDescriptor: Int32?
    /// The failing system call, for ``Code/systemError``.
    package let syscall: String?
    /// The `errno` of the failing system call.
    package let errno: Int32?

    package init(
        _ code: Code, _ message: String, fileDescriptor: Int32? = nil, syscall: String? = nil, errno: Int32? = nil
    ) {
        self.code = code
        self.message = message
        self.fileDescriptor = fileDescriptor
        self.syscall = syscall
        self.errno = errno
    }

    package var description: String {
        var text = "RuntimeError.\(code): \(message)"
        if let fileDescriptor { text += " [fd \(fileDescriptor)]" }
        if let syscall, let errno {
            text += " [\(syscall): \(String(cString: strerror(errno))) (errno \(errno))]"
        }
        return text
    }
}

extension RuntimeError {
    static func system(_ syscall: String, errno: Int32, fd: Int32? = nil) -> RuntimeError {
        RuntimeError(.systemError, "\(syscall) failed", fileDescriptor: fd, syscall: syscall, errno: errno)
    }

    static func closed(fd: Int32) -> RuntimeError {
        RuntimeError(.closed, "the descriptor is no longer watched (closed or handed on)", fileDescriptor: fd)
    }

    static func timedOut(fd: Int32?, _ detail: String) -> RuntimeError {
        RuntimeError(.timedOut, detail, fileDescriptor: fd)
    }
}
