/// Where a job is in its life.
public enum JobState: String, Sendable, CaseIterable, Codable {
    /// Waiting to be leased (a new job, one whose attempt failed and will run again, or one whose lease expired).
    case queued
    /// Leased by a worker host, which runs it and heartbeats its lease.
    case running
    /// Finished with a result.
    case succeeded
    /// Failed on its last allowed attempt (or in a way no attempt can fix); its last error is kept.
    case dead
    /// Cancelled before it finished.
    case cancelled

    /// Whether the job will not change any more.
    public var isFinal: Bool { self == .succeeded || self == .dead || self == .cancelled }
}

/// A finished job as stored: its state, its result's bytes and codec, or its last error.
public struct JobOutcome: Sendable {
    /// The job.
    public let id: JobID
    /// ``JobState/succeeded``, ``JobState/dead`` or ``JobState/cancelled``.
    public let state: JobState
    /// The codec the job was submitted with.
    public let codec: String
    /// The result's bytes, when it succeeded.
    public let result: [UInt8]?
    /// The last error, when it is dead (or cancelled while running).
    public let error: JobError?
}
