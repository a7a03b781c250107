#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one error type of GIPCTransport.
///
/// Every failure of a frame pipe is a `TransportError` with a ``Code`` that says what happened, plus the context
/// that lets a person act on it: the file descriptor, the failing system call and its `errno`, and for framing
/// errors the byte counts involved. Compare errors by ``code``:
///
/// ```swift
/// do { _ = try await reader.receive() }
/// catch let error as TransportError where error.code == .endOfStream { /* the writer closed: no more frames */ }
/// ```
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong. Extensible: new codes may be added, so `switch` over it with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }

        /// Reading: the writer closed its end at a frame boundary, a clean end of stream.
        public static let endOfStream = Code("endOfStream")
        /// Writing: the reading end is gone (`EPIPE`); nobody will receive what is sent.
        public static let peerClosed = Code("peerClosed")
        /// The stream ended in the middle of a frame (inside the header or the payload).
        public static let truncatedFrame = Code("truncatedFrame")
        /// A header announced a frame longer than this reader's limit. The reader is poisoned.
        public static let frameTooLarge = Code("frameTooLarge")
        /// A header that the wire format forbids (a negative length other than -1). The reader is poisoned.
        public static let protocolViolation = Code("protocolViolation")
        /// The operation's timeout passed. A reader keeps any partial frame; a writer had written nothing.
        public static let timedOut = Code("timedOut")
        /// The pipe end was closed (or handed to another process) before or during the call.
        public static let closed = Code("closed")
        /// The pipe end was handed to a child process and can no longer be used here.
        public static let transferred = Code("transferred")
        /// `close()` was called while another task was inside an operation on the same pipe end.
        public static let locked = Code("locked")
        /// An earlier error left the stream in a state that can no longer be trusted.
        public static let poisoned = Code("poisoned")
        /// A system call failed; ``TransportError/syscall`` and ``TransportError/errno`` say which and why.
        public static let systemError = Code("systemError")
        /// Sockets: the peer reset the connection (`ECONNRESET`), for example by exiting with unread data.
        public static let connectionReset = Code("connectionReset")
        /// Sockets: nobody listens at the address (`ECONNREFUSED`, or no socket file: `ENOENT`).
        public static let connectionRefused = Code("connectionRefused")
        /// Sockets: an address that cannot be parsed or used (the message says why).
        public static let invalidAddress = Code("invalidAddress")
        /// An argument was not acceptable (the message says which), for example a TCP listener without a key.
        public static let invalidArgument = Code("invalidArgument")
        /// Sockets: the authentication handshake failed: a wrong key on either side, a verdict of `#FAILURE#`, or a
        /// handshake message that breaks the protocol (the message says which).
        public static let authenticationFailed = Code("authenticationFailed")
        /// Sockets: a handle could not be passed or received (not a Unix-domain socket, no descriptor or more
        /// descriptors than announced arrived); any descriptor that did arrive was closed.
        public static let handlePassingFailed = Code("handlePassingFailed")

        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// A sentence a person can act on.
    public let message: String
    /// The file descriptor involved, when there is one.
    public let fileDescriptor: Int32?
    /// The failing system call, for ``Code/systemError`` and ``Code/peerClosed`` (`EPIPE`).
    public let syscall: String?
    /// The `errno` of the failing system call.
    public let errno: Int32?
    /// For ``Code/truncatedFrame``: the bytes the frame needed (header included); for ``Code/frameTooLarge``: the
    /// announced payload length.
    public let bytesExpected: UInt64?
    /// For ``Code/truncatedFrame``: the bytes of that frame that had arrived; for ``Code/frameTooLarge``: the limit.
    public let bytesReceived: UInt64?
    /// For ``Code/poisoned``: the error that poisoned the stream.
    public let underlying: (any Error & Sendable)?

    /// Creates an error. Library code uses the static helpers below; this is public for tests and extensions.
    public init(
        _ code: Code,
        _ message: String,
        fileDescriptor: Int32? = nil,
        syscall: String? = nil,
        errno: Int32? = nil,
        bytesExpected: UInt64? = nil,
        bytesReceived: UInt64? = nil,
        underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.fileDescriptor = fileDescriptor
        self.syscall = syscall
        self.errno = errno
        self.bytesExpected = bytesExpected
        self.bytesReceived = bytesReceived
        self.underlying = underlying
    }

    public var description: String {
        var text = "TransportError.\(code): \(message)"
        if let fileDescriptor { text += " [fd \(fileDescriptor)]" }
        if let syscall, let errno {
            text += " [\(syscall): \(String(cString: strerror(errno))) (errno \(errno))]"
        }
        return text
    }
}

extension TransportError {
    static func system(_ syscall: String, errno: Int32, fd: Int32? = nil) -> TransportError {
        if errno == EPIPE {
            return TransportError(
                .peerClosed, "the reading end of the pipe is closed", fileDescriptor: fd, syscall: syscall,
                errno: errno)
        }
        if errno == ECONNRESET {
            return TransportError(
                .connectionReset, "the peer reset the connection", fileDescriptor: fd, syscall: syscall, errno: errno)
        }
        return TransportError(
            .systemError, "\(syscall) failed", fileDescriptor: fd, syscall: syscall, errno: errno)
    }

    static func closed(fd: Int32?) -> TransportError {
        TransportError(.closed, "the pipe end is closed", fileDescriptor: fd)
    }

    static func locked(fd: Int32) -> TransportError {
        TransportError(
            .locked, "another task is inside an operation on this pipe end; cancel it first", fileDescriptor: fd)
    }

    static func timedOut(fd: Int32?, _ detail: String) -> TransportError {
        TransportError(.timedOut, detail, fileDescriptor: fd)
    }
}
