import GIPCKit

/// The one error type of GIPCQueue: the database, the jobs and their results.
///
/// Compare by ``code``. A job's own failure on a worker keeps the worker's error in ``jobError``; a database error
/// is kept in ``underlying``.
///
/// ```swift
/// do { let sum = try await handle.result(timeout: .seconds(5)) }
/// catch let error as QueueError where error.code == .jobDead { print(error.jobError?.code as Any) }
/// ```
public struct QueueError: Error, Sendable, CustomStringConvertible {
    /// What went wrong. Extensible: new codes may be added, so `switch` over it with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }

        /// The connection settings are not usable (a URL that does not parse, an unknown `sslmode`).
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The database could not be reached, or stayed unreachable longer than the reconnect limit.
        public static let connectionFailed = Code("connectionFailed")
        /// The database refused a statement (an error other than a lost connection).
        public static let databaseError = Code("databaseError")
        /// The schema in the database is newer than this library knows.
        public static let schemaTooNew = Code("schemaTooNew")
        /// A job or a result is larger than the queue's limit.
        public static let payloadTooLarge = Code("payloadTooLarge")
        /// A job could not be encoded, or a result (or a stored payload) could not be decoded, with the codec.
        public static let codecFailure = Code("codecFailure")
        /// The job's codec is not the one this queue or worker uses.
        public static let codecMismatch = Code("codecMismatch")
        /// Awaiting a result took longer than its timeout (the job goes on).
        public static let timedOut = Code("timedOut")
        /// The job failed on its last attempt and will not run again; ``QueueError/jobError`` says how.
        public static let jobDead = Code("jobDead")
        /// The job was cancelled.
        public static let cancelled = Code("cancelled")
        /// No job has this id.
        public static let notFound = Code("notFound")
        /// An argument is out of range (options, names).
        public static let invalidArgument = Code("invalidArgument")
        /// The queue (or the worker) is shut down.
        public static let closed = Code("closed")

        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// What happened, for a person.
    public let message: String
    /// The job concerned, if any.
    public let jobID: JobID?
    /// The job's last error as a worker host recorded it (for ``Code/jobDead``): its code (a `GIPCError` code such as
    /// `workerCrashed`, `timedOut`, `jobFailed`, or `leaseExpired`) and message.
    public let jobError: JobError?
    /// The error below: a `PSQLError` from postgres-nio, a `CodecError`, a `GIPCError`.
    public let underlying: (any Error)?

    /// Makes an error.
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: what happened, for a person.
    ///   - jobID: the job concerned.
    ///   - jobError: the job's last recorded error.
    ///   - underlying: the error below.
    public init(
        _ code: Code, _ message: String, jobID: JobID? = nil, jobError: JobError? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.jobID = jobID
        self.jobError = jobError
        self.underlying = underlying
    }

    public var description: String {
        var text = "QueueError.\(code): \(message)"
        if let jobID { text += " [job \(jobID)]" }
        if let jobError { text += " [last error \(jobError.code): \(jobError.message)]" }
        if let underlying { text += " [\(String(reflecting: underlying))]" }
        return text
    }
}

/// A job's failure as a worker host recorded it in the database.
public struct JobError: Sendable, Hashable, Codable {
    /// A `GIPCError` code name (`workerCrashed`, `timedOut`, `jobFailed`, `codecFailure`), `leaseExpired` (its host
    /// stopped heartbeating), or `codecMismatch`.
    public let code: String
    /// What happened.
    public let message: String

    /// Makes a job error.
    /// - Parameters:
    ///   - code: the code's name.
    ///   - message: what happened.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    init(_ error: GIPCError) {
        self.init(code: error.code.description, message: error.message)
    }
}
