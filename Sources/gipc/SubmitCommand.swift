import ArgumentParser
import GIPCKit
import GIPCQueue

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `gipc submit`: submits one job per line of standard input to a queue and prints one result line per job.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit each line of standard input as a job to a queue in PostgreSQL; print one line per job.",
        discussion: """
            Each non-blank line of standard input is one job, a value in the notation of `gipc pool` (see `gipc \
            inspect --help`), numbered from 0. Lines are submitted in batches (one statement per batch) as they are \
            read; the results are awaited and printed in input order, one line per job, as `gipc pool` does:
              {"job":INDEX,"ok":VALUE}
              {"job":INDEX,"error":{"code":"CODE","message":"..."}}
            CODE is the job's last error when it is dead (workerCrashed, timedOut, jobFailed, codecFailure, \
            leaseExpired), or cancelled, payloadTooLarge, codecFailure (the result does not decode), badLine (the \
            line is not a value; it is not submitted), timedOut (--wait ran out; the job goes on).

            Exit status: 0 once every job has its line; 64 for a usage error; 69 when the database cannot be \
            reached; 74 when reading the input or writing the output fails.
            """
    )

    @OptionGroup var connection: QueueConnectionOptions

    @Option(help: "The codec of jobs and results: raw, json, plist or msgpack.")
    var codec: CodecName = .msgpack

    @Option(help: ArgumentHelp("How many times each job may start (default 3).", valueName: "n"))
    var maxAttempts: Int = 3

    @Option(help: ArgumentHelp("The jobs' priority: higher runs first (default 0).", valueName: "p"))
    var priority: Int = 0

    @Option(
        help: ArgumentHelp("How long one attempt may run: \(DurationArgument.format).", valueName: "duration"),
        transform: DurationArgument.parse)
    var timeout: Duration?

    @Option(
        help: ArgumentHelp("How long after submission the jobs may start.", valueName: "duration"),
        transform: DurationArgument.parse)
    var runAfter: Duration?

    @Option(
        help: ArgumentHelp("How long to wait for each result; default: until it comes.", valueName: "duration"),
        transform: DurationArgument.parse)
    var wait: Duration?

    @Option(help: ArgumentHelp("Jobs per statement (default 1000).", valueName: "n"))
    var batch: Int = 1000

    func validate() throws {
        if maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1") }
        if batch < 1 { throw ValidationError("--batch must be at least 1") }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        do {
            try await submitAll()
        } catch {
            throw error.report(command: "submit")
        }
    }

    private var jobOptions: JobOptions {
        var options = JobOptions(maxAttempts: maxAttempts)
        options.priority = priority
        options.timeout = timeout
        if let runAfter { options.runAfter = runAfter }
        return options
    }

    private func submitAll() async throws(CommandFailure) {
        let settings = try connection.settings()
        let jobOptions = self.jobOptions
        let batchSize = batch
        let wait = self.wait
        let output = StreamOutput(fd: 1)
        do {
            try await JobQueue.withQueue(settings, name: connection.queue, codec: codec.codec) { queue in
                var input = PoolJobInput(fd: 0).makeAsyncIterator()
                var index = 0
                var finished = false
                while !finished {
                    var jobs: [PoolJob] = []
                    while jobs.count < batchSize, let job = try await input.next() { jobs.append(job) }
                    finished = jobs.count < batchSize
                    let lines = try await Self.runBatch(jobs, from: index, on: queue, options: jobOptions, wait: wait)
                    for line in lines { try output.send(Array(line.utf8)) }
                    index += jobs.count
                }
            }
        } catch let error as CommandFailure {
            throw error
        } catch let error as QueueError {
            throw CommandFailure(error)
        } catch {
            throw CommandFailure("failed", "\(error)", exitCode: CommandFailure.software)
        }
    }

    /// Submits the values among `jobs` in one statement, awaits their results, and returns one line per job.
    private static func runBatch(
        _ jobs: [PoolJob], from first: Int, on queue: JobQueue, options: JobOptions, wait: Duration?
    ) async throws -> [String] {
        var values: [Value] = []
        for job in jobs { if case .value(let value) = job { values.append(value) } }
        let handles = try await queue.submit(batch: values, returning: Value.self, options: options)
        let results = try await queue.results(of: handles, timeout: wait)
        var lines: [String] = []
        var next = 0
        for (offset, job) in jobs.enumerated() {
            var line = "{\"job\":\(first + offset),"
            switch job {
            case .badLine(let bad):
                line += errorText("badLine", bad.message)
            case .value:
                switch results[next] {
                case .success(let value):
                    line += "\"ok\":"
                    ValueNotation.append(value, to: &line)
                case .failure(let error):
                    line += errorText(error.jobError?.code ?? error.code.description, error.message)
                }
                next += 1
            }
            lines.append(line + "}\n")
        }
        return lines
    }

    private static func errorText(_ code: String, _ message: String) -> String {
        var text = "\"error\":{\"code\":"
        ValueNotation.appendString(code, to: &text)
        text += ",\"message\":"
        ValueNotation.appendString(message, to: &text)
        return text + "}"
    }
}
