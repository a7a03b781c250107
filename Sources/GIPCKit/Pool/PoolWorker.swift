/// A Swift worker of a ``ProcessPool``: a type that handles one job at a time in a worker process.
///
/// A worker is an entry (``ChildEntry``) whose `main` the protocol supplies: list it in the program's
/// ``GIPC/bootstrap(_:)`` like any entry. Each worker process creates one instance with `init()` (its set-up:
/// open a model, warm a cache) and then calls ``handle(_:)`` for every job it is given, one after another.
///
/// ```swift
/// struct Resize: PoolWorker {
///     func handle(_ job: ImageJob) async throws -> Thumbnail { try render(job) }
/// }
/// ```
///
/// A job whose handler throws fails with ``GIPCError/Code/jobFailed`` (the message is the error's description);
/// the worker goes on with the next job. A set-up that throws ends the worker process before it takes any job.
public protocol PoolWorker: ChildEntry where Arguments == PoolWorkerArguments {
    /// What the worker is given.
    associatedtype Job: Codable & Sendable
    /// What the worker gives back.
    associatedtype Result: Codable & Sendable

    /// Sets the worker up, once per worker process, before its first job.
    init() async throws

    /// Handles one job.
    mutating func handle(_ job: Job) async throws -> Result
}

/// What a pool hands a worker process: the pipes of its jobs and replies and the codec of both.
public struct PoolWorkerArguments: Codable, Sendable {
    /// Frames of jobs (see the pool's protocol in docs/POOL.md).
    public let jobs: PipeReader<[UInt8]>
    /// Frames of replies.
    public let replies: PipeWriter<[UInt8]>
    /// The name of the codec that encodes jobs and results.
    public let codec: String
    /// Its settings (``/GIPCCodecs/MessageCodec/settings``).
    public let codecSettings: [String: String]
}

extension PoolWorker {
    /// Runs the worker: set-up, then one reply frame for each jobs frame until the pool closes the jobs pipe.
    public static func main(_ arguments: PoolWorkerArguments) async throws {
        let codec: any MessageCodec
        do {
            codec = try CodecRegistry.codec(named: arguments.codec, settings: arguments.codecSettings)
        } catch {
            throw GIPCError(
                .invalidArgument, "pool worker \(entryName): \(error.message)", codecError: error.codecError)
        }
        var worker = try await Self()
        let jobs = BlockingFrames(fd: arguments.jobs.fileDescriptor, maxFrameBytes: arguments.jobs.maxFrameBytes)
        let replies = BlockingFrames(fd: arguments.replies.fileDescriptor, maxFrameBytes: 0)
        try replies.write(PoolBatch.repliesFrame([]))
        while let frame = try jobs.read() {
            var answers: [PoolReply] = []
            for payload in try PoolBatch.jobs(in: frame) {
                answers.append(await worker.reply(to: payload, codec: codec))
            }
            try replies.write(PoolBatch.repliesFrame(answers))
        }
    }

    private mutating func reply(to payload: ArraySlice<UInt8>, codec: any MessageCodec) async -> PoolReply {
        let job: Job
        do {
            job = try codec.decode(Job.self, from: payload)
        } catch {
            return .failure(.codecFailure, "cannot decode the job as \(Job.self): \(error)")
        }
        let result: Result
        do {
            result = try await handle(job)
        } catch {
            return .failure(.jobFailed, "\(error)")
        }
        do {
            return PoolReply(kind: .result, bytes: try codec.encode(result))
        } catch {
            return .failure(.codecFailure, "cannot encode the result as \(Result.self): \(error)")
        }
    }
}
