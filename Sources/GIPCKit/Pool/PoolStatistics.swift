/// A snapshot of a ``ProcessPool``: its queue, its workers, and how long jobs waited and ran.
///
/// Counts are of jobs (a `map` chunk counts as its jobs); times are of the most recent jobs, at most
/// ``PoolStatistics/sampleLimit`` of each.
public struct PoolStatistics: Sendable, CustomStringConvertible {
    /// How many samples of waiting and running times a pool keeps.
    public static let sampleLimit = 10_000

    /// Jobs waiting for a worker, including those of submitters suspended because the queue is full.
    public var queued: Int
    /// Jobs a worker has received and not yet answered.
    public var running: Int
    /// Jobs answered with a result.
    public var completed: Int
    /// Jobs that failed: crashes, timeouts, cancellations, codec failures in the worker, errors thrown by the job,
    /// the pool's end or failure. A result that this process cannot decode counts as completed here.
    public var failed: Int
    /// Workers started to replace one that crashed, timed out or was stopped for a cancelled job (not counting
    /// planned recycling).
    public var restarts: Int
    /// Workers stopped and replaced as planned: ``PoolOptions/maxJobsPerWorker``, memory, idleness.
    public var recycled: Int
    /// Worker processes running now.
    public var workers: Int
    /// Their process IDs.
    public var workerProcessIDs: [Int32]
    /// From submit to a worker receiving the job.
    public var waitTime: Percentiles
    /// From a worker receiving the job to its answer.
    public var runTime: Percentiles

    /// Percentiles of a set of durations; all zero when there is none.
    public struct Percentiles: Sendable, CustomStringConvertible {
        public var count: Int
        public var p50: Duration
        public var p90: Duration
        public var p99: Duration
        public var max: Duration

        init(nanoseconds samples: [Int64]) {
            let sorted = samples.sorted()
            func at(_ fraction: Double) -> Duration {
                guard !sorted.isEmpty else { return .zero }
                let index = Swift.min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))
                return .nanoseconds(sorted[index])
            }
            count = sorted.count
            p50 = at(0.5)
            p90 = at(0.9)
            p99 = at(0.99)
            max = at(1)
        }

        public var description: String { "p50 \(p50), p90 \(p90), p99 \(p99), max \(max) (\(count) samples)" }
    }

    public var description: String {
        "queued \(queued), running \(running), completed \(completed), failed \(failed), restarts \(restarts), "
            + "recycled \(recycled), workers \(workers); wait \(waitTime); run \(runTime)"
    }
}

/// The last ``PoolStatistics/sampleLimit`` durations, in nanoseconds.
struct SampleRing: Sendable {
    private var samples: [Int64] = []
    private var next = 0

    mutating func add(_ nanoseconds: Int64) {
        if samples.count < PoolStatistics.sampleLimit {
            samples.append(nanoseconds)
        } else {
            samples[next] = nanoseconds
            next = (next + 1) % PoolStatistics.sampleLimit
        }
    }

    var percentiles: PoolStatistics.Percentiles { PoolStatistics.Percentiles(nanoseconds: samples) }
}
