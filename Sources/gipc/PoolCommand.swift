import ArgumentParser
import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `gipc pool`: runs one job per line of standard input on a pool of worker processes and prints one line per job.
struct PoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool",
        abstract: "Run each line of standard input as a job on a pool of worker processes; print one line per job.",
        discussion: """
            Each non-blank line of standard input is one job: a value in the notation `gipc encode` reads and \
            `gipc inspect --values` prints (see `gipc inspect --help`). Jobs are numbered from 0, blank lines not \
            counted. Input is read as the pool takes jobs, so it may be endless. Each worker runs EXECUTABLE with \
            ARGS, reads jobs as frames on descriptor 3 and writes one result frame per job, in order, on \
            descriptor 4, both in the codec and described by GIPC_HANDLES (docs/PROTOCOL.md); it exits when \
            descriptor 3 ends. The workers' standard error goes to this standard error; their standard output is \
            this standard output, so they should not write to it.

            For every job one line goes to standard output as soon as it is known (without --unordered, once the \
            lines of all the jobs before it are out):
              {"job":INDEX,"ok":VALUE}
              {"job":INDEX,"error":{"code":"CODE","message":"..."}}
            VALUE is in the same notation. CODE is workerCrashed (the worker died running the job; another takes its \
            place), timedOut (the job ran longer than --timeout; its worker was stopped), codecFailure (the job or \
            its result could not be encoded or decoded), badLine (the line is not a value; the message says where), \
            or another GIPCError code. A failed job fails alone: the run goes on.

            Exit status: 0 once every job has its line, whatever the jobs' outcomes; 64 for a usage error; 70 \
            when no worker can be started (EXECUTABLE cannot be run, or workers keep dying before they answer), \
            with one line on standard error and no lines for the jobs left; 74 when reading standard input or \
            writing standard output fails.
            """
    )

    @Option(help: ArgumentHelp("The most worker processes at once; default: the number of CPUs.", valueName: "n"))
    var workers: Int?

    @Option(help: "The codec of jobs and results: raw, json, plist or msgpack.")
    var codec: CodecName = .msgpack

    @Option(
        help: ArgumentHelp(
            "How long one job may run before its worker is stopped: \(DurationArgument.format).",
            valueName: "duration"),
        transform: DurationArgument.parse)
    var timeout: Duration?

    @Option(help: ArgumentHelp("Replace each worker after it has run this many jobs.", valueName: "k"))
    var maxJobsPerWorker: Int?

    @Flag(help: "Print each job's line as soon as it is known, not in input order.")
    var unordered = false

    @Flag(help: "Show a progress line on standard error, when it is a terminal.")
    var progress = false

    @Argument(
        parsing: .postTerminator,
        help: ArgumentHelp("The worker program and its arguments, after --.", valueName: "executable-and-args"))
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else {
            throw ValidationError("missing the worker program: gipc pool [OPTIONS] -- EXECUTABLE [ARGS...]")
        }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if let limit = maxJobsPerWorker, limit < 1 { throw ValidationError("--max-jobs-per-worker must be at least 1") }
    }

    func run() async throws {
        // A reader that goes away must give a write error, not kill the process silently.
        signal(SIGPIPE, SIG_IGN)
        do {
            try await runJobs()
        } catch {
            throw error.report(command: "pool")
        }
    }

    /// The pool's options from the command line.
    private var options: PoolOptions {
        var options = PoolOptions(workers: workers)
        options.jobTimeout = timeout
        options.maxJobsPerWorker = maxJobsPerWorker
        return options
    }

    /// Runs every job of standard input and writes its line.
    /// - Throws: ``CommandFailure``: `readFailed` and `writeFailed` (74); the pool's error when it cannot start
    ///   workers (70).
    private func runJobs() async throws(CommandFailure) {
        let writer = PoolLineWriter(fd: 1)
        var progressLine: PoolProgress? = nil
        var failure: CommandFailure? = nil
        do {
            try await GIPC.withPool(
                executable: command[0], arguments: Array(command.dropFirst()), job: PoolJob.self,
                result: Value.self, codec: PoolJobCodec(base: codec.codec), options: options
            ) { pool in
                if progress { progressLine = PoolProgress(writer: writer, running: { pool.statistics.running }) }
                for try await outcome in pool.map(PoolJobInput(fd: 0), ordered: !unordered) {
                    if case .failure(let error) = outcome.result, error.code == .poolFailed {
                        throw CommandFailure.noWorkers(error)
                    }
                    try writer.write(outcome)
                }
            }
        } catch let error as CommandFailure {
            failure = error
        } catch let error as GIPCError {
            // Thrown at start: not even the first worker could be started.
            failure = CommandFailure.noWorkers(error)
        } catch {
            failure = CommandFailure("failed", "\(error)", exitCode: CommandFailure.software)
        }
        await progressLine?.finish()
        if let failure { throw failure }
    }
}

extension CommandFailure {
    /// `EX_SOFTWARE`: the pool has no workers to run the jobs.
    static let software: Int32 = 70

    /// The pool could not start its first worker (`error` thrown by `withPool`), or failed with `poolFailed`
    /// because its workers kept dying before they answered (the error says how many and how the last one ended).
    static func noWorkers(_ error: GIPCError) -> CommandFailure {
        let message = error.code == .poolFailed ? error.message : "cannot start a worker: \(error.message)"
        return CommandFailure(error.code.description, message, exitCode: software)
    }
}
