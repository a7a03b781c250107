import Synchronization

/// The outcome of one job of `ProcessPool.map(_:ordered:chunkSize:window:)`: its place in the input and its
/// result or error.
public struct PoolOutcome<Value: Sendable>: Sendable {
    /// The job's position in the input, from 0.
    public let index: Int
    /// The job's result, or why it has none.
    public let result: Swift.Result<Value, GIPCError>

    /// The result, or the job's error thrown.
    public func get() throws(GIPCError) -> Value { try result.get() }
}

extension ProcessPool {
    /// Runs every job of `jobs` and returns their outcomes as they are taken.
    ///
    /// The input is read lazily: at most `window` jobs are read ahead of the outcomes taken, so a stream of a
    /// million jobs runs in bounded memory, and an endless one runs until the iteration stops. Each iteration runs
    /// the jobs anew. A failed job is an outcome with an error; the sequence goes on. An error thrown by the input
    /// ends the sequence, once the outcomes of the jobs read before it have been taken. Ending the iteration
    /// early, or cancelling its task, cancels the jobs not yet answered.
    /// - Parameters:
    ///   - jobs: the jobs; a sequence or an async sequence.
    ///   - ordered: `true`: outcomes in input order; `false`: as jobs complete.
    ///   - chunkSize: jobs sent to a worker in one frame. More than 1 pays one round trip per chunk, which suits
    ///     short jobs; a worker that crashes then fails its whole chunk.
    ///   - window: the most jobs read and not yet taken; default: 4 × workers × chunk size × jobs in flight.
    /// - Returns: the outcomes.
    public func map<Input: AsyncSequence & Sendable>(
        _ jobs: Input, ordered: Bool = true, chunkSize: Int = 1, window: Int? = nil
    ) -> PoolResults<Result> where Input.Element == Job {
        let chunk = max(1, chunkSize)
        let limit = max(chunk, window ?? 4 * options.workers * chunk * options.jobsInFlightPerWorker)
        let core = self.core
        return PoolResults(ordered: ordered, window: limit, cancelWork: { core.cancel($0) }) { run in
            var index = 0
            var pending: [(Int, Job)] = []
            do {
                for try await job in jobs {
                    pending.append((index, job))
                    index += 1
                    if pending.count == chunk {
                        guard await run.waitForRoom(for: pending.count) else { return }
                        self.send(pending, to: run)
                        pending.removeAll(keepingCapacity: true)
                    }
                }
                if !pending.isEmpty, await run.waitForRoom(for: pending.count) { self.send(pending, to: run) }
                run.finishInput(count: index, error: nil)
            } catch {
                if !pending.isEmpty, await run.waitForRoom(for: pending.count) { self.send(pending, to: run) }
                run.finishInput(count: index, error: error)
            }
        }
    }

    /// Runs every job of `jobs`; see the `map` of async sequences.
    public func map<Input: Sequence & Sendable>(
        _ jobs: Input, ordered: Bool = true, chunkSize: Int = 1, window: Int? = nil
    ) -> PoolResults<Result> where Input.Element == Job {
        map(AsyncJobs(jobs), ordered: ordered, chunkSize: chunkSize, window: window)
    }

    /// Encodes the jobs (a job that cannot be encoded fails alone) and queues the rest as one work.
    private func send(_ jobs: [(Int, Job)], to run: PoolMapRun<Result>) {
        var indexes: [Int] = []
        var payloads: [[UInt8]] = []
        for (index, job) in jobs {
            do {
                payloads.append(try encode(job))
                indexes.append(index)
            } catch {
                run.deliver([PoolOutcome(index: index, result: .failure(error))])
            }
        }
        guard !payloads.isEmpty else { return }
        let sent = indexes
        let id = core.makeWorkID()
        guard run.track(id) else { return }  // cancelled meanwhile: nothing to run
        core.submit(
            PoolWork(id: id, payloads: payloads) { outcome in
                run.untrack(id)
                switch outcome {
                case .replies(let replies):
                    run.deliver(zip(sent, replies).map { PoolOutcome(index: $0, result: self.decode($1)) })
                case .failed(let error):
                    run.deliver(sent.map { PoolOutcome(index: $0, result: .failure(error)) })
                case .cancelled:
                    run.deliver(sent.map { PoolOutcome(index: $0, result: .failure(Self.cancelled)) })
                }
            })
    }

    private static var cancelled: GIPCError { GIPCError(.closed, "the map was cancelled before the job ran") }
}

/// A sequence as an async sequence, for `ProcessPool.map` of sequences.
struct AsyncJobs<Base: Sequence & Sendable>: AsyncSequence, Sendable {
    typealias Element = Base.Element
    let base: Base
    init(_ base: Base) { self.base = base }

    struct AsyncIterator: AsyncIteratorProtocol {
        var iterator: Base.Iterator
        mutating func next() async -> Element? { iterator.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(iterator: base.makeIterator()) }
}

/// The outcomes of `ProcessPool.map(_:ordered:chunkSize:window:)`; each iteration runs the jobs anew.
public struct PoolResults<Value: Sendable>: AsyncSequence, Sendable {
    public typealias Element = PoolOutcome<Value>
    let ordered: Bool
    let window: Int
    let cancelWork: @Sendable (UInt64) -> Void
    let produce: @Sendable (PoolMapRun<Value>) async -> Void

    init(
        ordered: Bool, window: Int, cancelWork: @escaping @Sendable (UInt64) -> Void,
        produce: @escaping @Sendable (PoolMapRun<Value>) async -> Void
    ) {
        self.ordered = ordered
        self.window = window
        self.cancelWork = cancelWork
        self.produce = produce
    }

    public func makeAsyncIterator() -> Iterator {
        let run = PoolMapRun<Value>(ordered: ordered, window: window, cancelWork: cancelWork)
        run.start(produce)
        return Iterator(owner: PoolMapOwner(run: run))
    }

    /// Takes the outcomes one by one. Dropping the iterator cancels the jobs not yet answered.
    public struct Iterator: AsyncIteratorProtocol {
        let owner: PoolMapOwner<Value>
        public mutating func next() async throws -> PoolOutcome<Value>? {
            try await owner.run.next()
        }
    }
}
