import GIPCTransport
import Synchronization

/// How a pool starts one worker process, and how it speaks with it.
///
/// Workers are daemon children (they die with this process) and lead their own process groups, which are killed
/// when a worker's exit is observed: nothing a worker started outlives it.
struct PoolLauncher: Sendable {
    /// How jobs and answers travel.
    enum Framing: Sendable {
        /// A ``PoolWorker``: jobs frames and replies frames (``PoolBatch``), a ready frame after set-up.
        case batches
        /// An executable: one frame per job, one result frame per job, in order.
        case frames
    }

    /// A started worker and the pool's ends of its pipes.
    struct Launched: Sendable {
        var process: ChildProcess
        var jobs: FrameWriter
        var replies: FrameReader
        /// The bytes of a work whose frames could not be written because the worker had closed its jobs pipe.
        let undelivered = UndeliveredBytes()
    }

    /// Set by the task that writes a worker's jobs, read once the worker has ended.
    final class UndeliveredBytes: Sendable {
        private let bytes = Atomic(0)
        var value: Int { bytes.load(ordering: .acquiring) }
        func record(_ count: Int) { bytes.store(count, ordering: .releasing) }
    }

    let framing: Framing

    /// The pool's ends of a worker's pipes do not spin before they wait: the workers are other processes that need
    /// the CPU a spinning receive would take from them (measured: 20% more jobs per second on two cores).
    static func pipeOptions(_ options: PoolOptions) -> PipeOptions {
        PipeOptions(maxFrameBytes: options.maxFrameBytes, spinBeforeWaiting: .zero)
    }
    /// The worker's entry name or executable, for messages.
    let name: String
    let start: @Sendable () async throws -> Launched

    /// Workers running the entry `worker`.
    static func entry<Worker: PoolWorker>(
        _ worker: Worker.Type, codec: any MessageCodec, options: PoolOptions, host: String?
    ) -> PoolLauncher {
        let settings = codec.settings ?? [:]
        return PoolLauncher(framing: .batches, name: Worker.entryName) {
            let pipeOptions = Self.pipeOptions(options)
            let jobs = try GIPC.pipe(of: [UInt8].self, codec: .raw, options: pipeOptions)
            let replies = try GIPC.pipe(of: [UInt8].self, codec: .raw, options: pipeOptions)
            let arguments = PoolWorkerArguments(
                jobs: jobs.reader, replies: replies.writer, codec: codec.name, codecSettings: settings)
            let process = try await GIPC.startEntry(
                Worker.self, arguments, name: options.name, daemon: true, host: host, environment: options.environment,
                standardOutput: options.standardOutput, standardError: options.standardError, killGroupOnExit: true,
                startMethod: options.startMethod)
            return Launched(process: process, jobs: jobs.writer.end, replies: replies.reader.end)
        }
    }

    /// Workers running `executable`: jobs on descriptor 3, results on descriptor 4, both described by
    /// `GIPC_HANDLES` with the pool's codec.
    static func executable(
        _ executable: String, arguments: [String], codec: any MessageCodec, options: PoolOptions
    ) -> PoolLauncher {
        PoolLauncher(framing: .frames, name: executable) {
            let pipeOptions = Self.pipeOptions(options)
            let jobs = try GIPC.pipe(of: [UInt8].self, codec: codec, options: pipeOptions)
            let replies = try GIPC.pipe(of: [UInt8].self, codec: codec, options: pipeOptions)
            let process = try await GIPC.startExecutable(
                executable, arguments: arguments, environment: options.environment,
                standardOutput: options.standardOutput, standardError: options.standardError,
                handles: [jobs.reader, replies.writer], name: options.name, daemon: true, killGroupOnExit: true)
            return Launched(process: process, jobs: jobs.writer.end, replies: replies.reader.end)
        }
    }
}
