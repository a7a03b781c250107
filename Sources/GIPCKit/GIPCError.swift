import GIPCRuntime

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one error type of GIPCKit: pipes, handles and child processes.
///
/// Compare by ``code``. Errors from the layers below are wrapped, never lost: ``transportError`` holds the
/// transport's error for pipe failures and ``codecError`` the codec's for encoding and decoding failures.
///
/// ```swift
/// do { let job = try await jobs.get(timeout: .seconds(1)) }
/// catch let error as GIPCError where error.code == .timedOut { … }
/// ```
public struct GIPCError: Error, Sendable, CustomStringConvertible {
    /// What went wrong. Extensible: new codes may be added, so `switch` over it with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }

        /// The handle was closed (use after close, double close).
        public static let closed = Code("closed")
        /// `close()` was called while another task was inside `put` or `get` on the same handle.
        public static let locked = Code("locked")
        /// The handle was handed to a child process and can no longer be used here, or handed a second time.
        public static let transferred = Code("transferred")
        /// The peer closed its end at a message boundary: a clean end of stream (gipc's `EOFError`).
        public static let endOfStream = Code("endOfStream")
        /// The peer's end went away in the middle of a message.
        public static let truncated = Code("truncated")
        /// The stream broke the wire format (frame too large, bad header) or an earlier error made it unusable.
        public static let corruptStream = Code("corruptStream")
        /// The reading end is gone: nobody will receive what is put.
        public static let peerClosed = Code("peerClosed")
        /// The operation's timeout passed.
        public static let timedOut = Code("timedOut")
        /// The codec could not encode or decode a message; ``GIPCError/codecError`` has the details.
        /// After a decoding failure the pipe stays usable: the next message decodes on its own.
        public static let codecFailure = Code("codecFailure")
        /// A child process could not be started; ``GIPCError/errno`` says why.
        public static let spawnFailed = Code("spawnFailed")
        /// The program to start does not exist or is not executable.
        public static let executableNotFound = Code("executableNotFound")
        /// The child program has no entry point of that name registered in its bootstrap.
        public static let entryNotFound = Code("entryNotFound")
        /// Sending a signal to or waiting for a child failed.
        public static let processControlFailed = Code("processControlFailed")
        /// Another system call failed; ``GIPCError/syscall`` and ``GIPCError/errno`` say which and why.
        public static let systemError = Code("systemError")
        /// An argument was not acceptable (the message says which).
        public static let invalidArgument = Code("invalidArgument")
        /// The process holding the other end of the pipe exited abnormally (a signal, or a nonzero exit code)
        /// before closing it; ``GIPCError/exitStatus`` says how, ``GIPCError/standardErrorTail`` what it printed
        /// last when its standard error was captured.
        public static let peerExited = Code("peerExited")
        /// A pool worker died (or was stopped) while running the job; ``GIPCError/exitStatus`` and
        /// ``GIPCError/standardErrorTail`` say how.
        public static let workerCrashed = Code("workerCrashed")
        /// A pool worker ran the job and the job itself threw; the message holds the error's description.
        public static let jobFailed = Code("jobFailed")
        /// The pool cannot run jobs any more: its workers kept dying at start-up.
        public static let poolFailed = Code("poolFailed")
        /// Sockets: the peer reset the connection.
        public static let connectionReset = Code("connectionReset")
        /// Sockets: nobody listens at the address.
        public static let connectionRefused = Code("connectionRefused")
        /// Sockets: the authentication handshake failed (the keys differ, or the peer broke the protocol).
        public static let authenticationFailed = Code("authenticationFailed")
        /// Sockets: a handle could not be passed or received; descriptors that arrived were closed.
        public static let handlePassingFailed = Code("handlePassingFailed")

        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// A sentence a person can act on.
    public let message: String
    /// The failing system call, when there is one.
    public let syscall: String?
    /// Its `errno`.
    public let errno: Int32?
    /// The child process involved, when there is one.
    public let pid: Int32?
    /// The transport's error, for pipe failures.
    public let transportError: TransportError?
    /// The codec's error, for ``Code/codecFailure``.
    public let codecError: CodecError?
    /// Any other error this one wraps: for ``Code/invalidArgument`` from `start`, what the arguments' own
    /// `encode(to:)` threw.
    public let underlying: (any Error)?
    /// How the process involved ended, for ``Code/peerExited`` and ``Code/workerCrashed``.
    public let exitStatus: ExitStatus?
    /// The last lines the process involved wrote to its standard error, when it was captured
    /// (``ChildOutput/capture``); `nil` when it was not.
    public let standardErrorTail: [String]?

    /// Creates an error. Library code uses the helpers below; this is public for tests and extensions.
    public init(
        _ code: Code,
        _ message: String,
        syscall: String? = nil,
        errno: Int32? = nil,
        pid: Int32? = nil,
        transportError: TransportError? = nil,
        codecError: CodecError? = nil,
        underlying: (any Error)? = nil,
        exitStatus: ExitStatus? = nil,
        standardErrorTail: [String]? = nil
    ) {
        self.code = code
        self.message = message
        self.syscall = syscall
        self.errno = errno
        self.pid = pid
        self.transportError = transportError
        self.codecError = codecError
        self.underlying = underlying
        self.exitStatus = exitStatus
        self.standardErrorTail = standardErrorTail
    }

    public var description: String {
        var text = "GIPCError.\(code): \(message)"
        if let pid { text += " [pid \(pid)]" }
        if let syscall, let errno { text += " [\(syscall): \(String(cString: strerror(errno))) (errno \(errno))]" }
        if let transportError { text += " [\(transportError)]" }
        if let codecError { text += " [\(codecError)]" }
        if let exitStatus { text += " [\(exitStatus)]" }
        if let tail = standardErrorTail, !tail.isEmpty {
            text += "\n  last lines of standard error:\n" + tail.map { "    " + $0 }.joined(separator: "\n")
        }
        return text
    }
}

extension GIPCError {
    /// Wraps a transport error under the matching GIPCKit code.
    init(_ error: TransportError) {
        let code: Code
        switch error.code {
        case .peerClosed: code = .peerClosed
        case .endOfStream: code = .endOfStream
        case .truncatedFrame: code = .truncated
        case .frameTooLarge, .protocolViolation, .poisoned: code = .corruptStream
        case .timedOut: code = .timedOut
        case .closed: code = .closed
        case .locked: code = .locked
        case .transferred: code = .transferred
        case .connectionReset: code = .connectionReset
        case .connectionRefused: code = .connectionRefused
        case .authenticationFailed: code = .authenticationFailed
        case .handlePassingFailed: code = .handlePassingFailed
        case .invalidAddress, .invalidArgument: code = .invalidArgument
        default: code = .systemError
        }
        self.init(code, error.message, syscall: error.syscall, errno: error.errno, transportError: error)
    }

    /// Wraps what the transport threw: a ``TransportError`` under its GIPCKit code (a runtime error as well); a
    /// GIPCError as it is.
    init(_ error: any Error) {
        switch error {
        case let error as TransportError: self.init(error)
        case let error as RuntimeError: self.init(error)
        case let error as GIPCError: self = error
        default: self.init(.systemError, "\(error)", underlying: error)
        }
    }

    /// Wraps what a codec threw: a ``CodecError`` as it is, any other error (from a user codec, or a type's own
    /// `encode(to:)` / `init(from:)`) as a CodecError with that error as its ``CodecError/underlying``.
    init(codecFailure error: any Error, codec: String, encoding: Bool) {
        let codecError =
            error as? CodecError
            ?? CodecError(encoding ? .invalidValue : .malformed, "\(error)", codec: codec, underlying: error)
        self.init(
            .codecFailure, "\(encoding ? "encoding" : "decoding") a message failed: \(codecError.message)",
            codecError: codecError)
    }

    static func system(_ syscall: String, errno: Int32, pid: Int32? = nil) -> GIPCError {
        GIPCError(.systemError, "\(syscall) failed", syscall: syscall, errno: errno, pid: pid)
    }

    /// Runs `body`, turning transport errors into GIPCErrors (cancellation passes through).
    static func mapping<R>(_ body: () async throws -> R) async throws -> R {
        do {
            return try await body()
        } catch let error as TransportError {
            throw GIPCError(error)
        }
    }
}
