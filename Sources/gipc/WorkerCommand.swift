import ArgumentParser
import Dispatch
import GIPCKit
import GIPCQueue

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `gipc worker`: serves a queue with a local pool of worker processes.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Serve a job queue in PostgreSQL with a local pool of worker processes.",
        discussion: """
            Leases jobs of the queue from the database, runs each on a pool of EXECUTABLE workers (the contract of \
            `gipc pool`: jobs as frames on descriptor 3, one result frame per job on descriptor 4, in the codec), \
            and records each result or error in the database. Any number of hosts may serve the same queue; a host \
            that dies loses nothing: its jobs run again elsewhere once its leases expire (docs/QUEUE.md).

            Writes "gipc worker: serving queue NAME as HOST" on standard error once it serves. SIGTERM or SIGINT \
            stops it gracefully: no more leases; running jobs have the grace period to finish, then they are \
            stopped and returned to the queue. Exit status: 0 after a graceful stop; 64 for a usage error; 69 when \
            the database cannot be reached (or stays unreachable past the reconnect limit); 70 when no worker can \
            be started.
            """
    )

    @OptionGroup var connection: QueueConnectionOptions

    @Option(help: ArgumentHelp("The most worker processes at once; default: the number of CPUs.", valueName: "n"))
    var workers: Int?

    @Option(help: "The codec of jobs and results: raw, json, plist or msgpack.")
    var codec: CodecName = .msgpack

    @Option(
        help: ArgumentHelp(
            "How long one job may run when it has no timeout of its own: \(DurationArgument.format).",
            valueName: "duration"),
        transform: DurationArgument.parse)
    var timeout: Duration?

    @Option(
        help: ArgumentHelp("How long a lease lasts without a heartbeat (default 30s).", valueName: "duration"),
        transform: DurationArgument.parse)
    var lease: Duration?

    @Option(help: ArgumentHelp("The most jobs held at once; default: workers plus the pool's queue.", valueName: "n"))
    var prefetch: Int?

    @Option(
        help: ArgumentHelp("How long running jobs may take to finish on SIGTERM (default 10s).", valueName: "duration"),
        transform: DurationArgument.parse)
    var gracePeriod: Duration?

    @Option(help: ArgumentHelp("This host's name in leases and attempts; default HOSTNAME:PID.", valueName: "name"))
    var host: String?

    @Argument(
        parsing: .postTerminator,
        help: ArgumentHelp("The worker program and its arguments, after --.", valueName: "executable-and-args"))
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else {
            throw ValidationError("missing the worker program: gipc worker [OPTIONS] -- EXECUTABLE [ARGS...]")
        }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if let prefetch, prefetch < 1 { throw ValidationError("--prefetch must be at least 1") }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        do {
            try await serve()
        } catch {
            throw error.report(command: "worker")
        }
    }

    private var workerOptions: WorkerOptions {
        var options = WorkerOptions()
        if let host { options.host = host }
        if let lease { options.leaseDuration = lease }
        if let gracePeriod { options.shutdownGracePeriod = gracePeriod }
        options.prefetch = prefetch
        options.jobTimeout = timeout
        return options
    }

    private func serve() async throws(CommandFailure) {
        let settings = try connection.settings()
        let workerOptions = self.workerOptions
        var poolOptions = PoolOptions(workers: workers)
        poolOptions.queueCapacity = max(poolOptions.queueCapacity, workerOptions.prefetch ?? 0)
        let queueName = connection.queue
        let codec = self.codec.codec
        let command = self.command
        let stop = StopSignals()
        do {
            try await GIPC.withPool(
                executable: command[0], arguments: Array(command.dropFirst()), job: Value.self, result: Value.self,
                codec: codec, options: poolOptions
            ) { pool in
                try await JobQueue.withQueue(settings, name: queueName, codec: codec) { queue in
                    let serving = Task { try await queue.serve(pool, options: workerOptions) }
                    stop.onSignal { serving.cancel() }
                    StandardError.write("gipc worker: serving queue \(queueName) as \(workerOptions.host)")
                    try await serving.value
                }
            }
        } catch let error as QueueError {
            throw CommandFailure(error)
        } catch let error as GIPCError {
            throw CommandFailure.noWorkers(error)
        } catch {
            throw CommandFailure("failed", "\(error)", exitCode: CommandFailure.software)
        }
    }
}

/// SIGTERM and SIGINT, turned into a call instead of the default end of the process.
final class StopSignals: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    init() {
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            return DispatchSource.makeSignalSource(signal: number, queue: .global())
        }
    }

    /// Calls `action` at the first of the signals (later ones are ignored).
    func onSignal(_ action: @escaping @Sendable () -> Void) {
        for source in sources {
            source.setEventHandler(handler: action)
            source.resume()
        }
    }
}
