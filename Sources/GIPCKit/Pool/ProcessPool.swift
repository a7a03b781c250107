import GIPCTransport

/// A pool of worker processes that runs jobs and survives its workers.
///
/// Made by ``GIPC/withPool(_:codec:options:host:isolation:_:)`` (Swift workers, ``PoolWorker``) or
/// ``GIPC/withPool(executable:arguments:job:result:codec:options:isolation:_:)`` (any program speaking frames).
///
/// ```swift
/// try await GIPC.withPool(Square.self, options: PoolOptions(workers: 4)) { pool in
///     print(try await pool.submit(12))            // 144
///     for try await outcome in pool.map(1...1000) { print(outcome.index, try outcome.get()) }
/// }
/// ```
///
/// - Each worker runs one job at a time (``PoolOptions/jobsInFlightPerWorker`` says otherwise). Jobs wait in a
///   bounded queue: ``submit(_:)`` suspends while it is full, and `map(_:ordered:chunkSize:window:)` reads its
///   input only as fast as results are taken.
/// - A worker that dies fails only the job it was running (``GIPCError/Code/workerCrashed``, with its exit status
///   and the last lines of its standard error) and is replaced; the pool goes on. A job is never run twice unless
///   ``PoolOptions/retries`` asks for it.
/// - Workers that keep dying before they are ready fail the pool (``GIPCError/Code/poolFailed``) instead of
///   restarting forever.
public final class ProcessPool<Job: Encodable & Sendable, Result: Decodable & Sendable>: Sendable {
    let core: PoolCore
    /// The codec of jobs and results.
    public let codec: any MessageCodec
    /// The options the pool runs with.
    public var options: PoolOptions { core.options }

    init(core: PoolCore, codec: any MessageCodec) {
        self.core = core
        self.codec = codec
    }

    /// Runs `job` on a worker and returns its result.
    ///
    /// Suspends while the queue is full, then until a worker has answered. Cancelling the calling task takes the
    /// job out of the queue, or stops the worker running it (the pool starts another).
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/workerCrashed``, ``GIPCError/Code/timedOut``,
    ///   ``GIPCError/Code/jobFailed`` (a Swift worker's `handle` threw), ``GIPCError/Code/codecFailure`` (the job
    ///   or its result could not be encoded or decoded: this job only), ``GIPCError/Code/closed`` (the pool has
    ///   shut down), ``GIPCError/Code/poolFailed``; `CancellationError`.
    public func submit(_ job: Job) async throws -> Result {
        let payload = try encode(job)
        let replies = try await core.run([payload])
        return try decode(replies[0]).get()
    }

    /// A snapshot of the queue, the workers and the jobs' waiting and running times.
    public var statistics: PoolStatistics { core.statistics }

    func encode(_ job: Job) throws(GIPCError) -> [UInt8] {
        do {
            return try codec.encode(job)
        } catch {
            throw GIPCError(codecFailure: error, codec: codec.name, encoding: true)
        }
    }

    func decode(_ reply: PoolReply) -> Swift.Result<Result, GIPCError> {
        switch reply.kind {
        case .result:
            do {
                return .success(try codec.decode(Result.self, from: reply.bytes))
            } catch {
                return .failure(GIPCError(codecFailure: error, codec: codec.name, encoding: false))
            }
        case .jobFailed:
            return .failure(GIPCError(.jobFailed, String(decoding: reply.bytes, as: UTF8.self)))
        case .codecFailure:
            let text = String(decoding: reply.bytes, as: UTF8.self)
            return .failure(
                GIPCError(
                    .codecFailure, "in the worker: \(text)", codecError: CodecError(.malformed, text, codec: codec.name)
                ))
        }
    }
}
