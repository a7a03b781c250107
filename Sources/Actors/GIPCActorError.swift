public import GIPCKit

/// The one error type of GIPCActors: remote calls, hosting children, and the envelopes between systems.
///
/// Compare by ``code``. A remote method's own `Codable` error arrives as itself, not wrapped; any other error thrown
/// by a remote method arrives as ``Code/remoteError`` with its description and type name.
///
/// ```swift
/// do { try await counter.increment() }
/// catch let error as GIPCActorError where error.code == .hostExited { print(error.exitStatus!) }
/// ```
public struct GIPCActorError: Error, Sendable, CustomStringConvertible {
    /// What went wrong. Extensible: new codes may be added, so `switch` over it with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }

        /// The process hosting the actor ended (or closed its connection) before the call completed, or before it
        /// was made; ``GIPCActorError/exitStatus`` says how, ``GIPCActorError/standardErrorTail`` what it printed
        /// last when its standard error was captured.
        public static let hostExited = Code("hostExited")
        /// The remote method threw an error that is not `Codable` (or whose type this process does not know); the
        /// message holds its description, ``GIPCActorError/remoteType`` its type's name.
        public static let remoteError = Code("remoteError")
        /// The call's timeout passed; the remote call's task was cancelled.
        public static let timedOut = Code("timedOut")
        /// The actor system was shut down.
        public static let shutDown = Code("shutDown")
        /// No actor with this identity lives where the identity says (it was never there, or it is gone).
        public static let unknownActor = Code("unknownActor")
        /// The hosting program's bootstrap does not list the actor type (``GIPCKit/GIPC/bootstrap(_:actors:)``).
        public static let notRegistered = Code("notRegistered")
        /// The remote side could not find or run the target (a method the other program does not have, a generic
        /// substitution or argument it cannot decode).
        public static let invocationFailed = Code("invocationFailed")
        /// An argument or result could not be encoded or decoded; ``GIPCActorError/underlying`` has the codec's
        /// error.
        public static let codecFailure = Code("codecFailure")
        /// The peer sent an envelope that breaks the protocol; the connection is closed and its calls fail.
        public static let protocolViolation = Code("protocolViolation")
        /// Starting a hosting child or talking to it failed; ``GIPCActorError/underlying`` holds GIPCKit's error.
        public static let transportFailure = Code("transportFailure")

        /// The socket connection to another process's actor system ended (the process died, closed the connection
        /// or broke the protocol) before the call completed, or before it was made.
        public static let connectionLost = Code("connectionLost")
        /// The listener refused the authentication key (``GIPCActorSystem/connect(to:authentication:codec:options:)``).
        public static let authenticationFailed = Code("authenticationFailed")

        public var description: String { name }

        /// The code a `throw` envelope names, or ``remoteError`` for a name this version does not know.
        static func named(_ name: String?) -> Code {
            let known: [Code] = [
                .hostExited, .remoteError, .timedOut, .shutDown, .unknownActor, .notRegistered, .invocationFailed,
                .codecFailure, .protocolViolation, .transportFailure, .connectionLost, .authenticationFailed,
            ]
            return known.first { $0.name == name } ?? .remoteError
        }
    }

    /// What went wrong.
    public let code: Code
    /// A sentence a person can act on.
    public let message: String
    /// The actor involved, when there is one.
    public let actor: GIPCActorID?
    /// The hosting process's pid, for ``Code/hostExited``.
    public let pid: Int32?
    /// How the hosting process ended, for ``Code/hostExited`` (`nil` when it closed the connection and still runs).
    public let exitStatus: ExitStatus?
    /// The last lines the hosting process wrote to its standard error, when it was captured.
    public let standardErrorTail: [String]?
    /// The type name of the remote error, for ``Code/remoteError``.
    public let remoteType: String?
    /// The error this one wraps (a ``/GIPCKit/GIPCError``, a codec's error).
    public let underlying: (any Error)?

    /// Creates an error. Library code uses it; it is public for tests and extensions.
    public init(
        _ code: Code, _ message: String, actor: GIPCActorID? = nil, pid: Int32? = nil, exitStatus: ExitStatus? = nil,
        standardErrorTail: [String]? = nil, remoteType: String? = nil, underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.actor = actor
        self.pid = pid
        self.exitStatus = exitStatus
        self.standardErrorTail = standardErrorTail
        self.remoteType = remoteType
        self.underlying = underlying
    }

    public var description: String {
        var text = "GIPCActorError.\(code): \(message)"
        if let actor { text += " [\(actor)]" }
        if let pid { text += " [pid \(pid)]" }
        if let exitStatus { text += " [\(exitStatus)]" }
        if let remoteType { text += " [remote type \(remoteType)]" }
        if let underlying { text += " [\(underlying)]" }
        if let tail = standardErrorTail, !tail.isEmpty {
            text += "\n  last lines of standard error:\n" + tail.map { "    " + $0 }.joined(separator: "\n")
        }
        return text
    }

    /// The same error about `actor`.
    func about(_ actor: GIPCActorID) -> GIPCActorError {
        GIPCActorError(
            code, message, actor: actor, pid: pid, exitStatus: exitStatus, standardErrorTail: standardErrorTail,
            remoteType: remoteType, underlying: underlying)
    }
}
