import Foundation
import GIPCKit
import GIPCQueue
import GIPCTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The queue's suites, one after another: they share one database and start worker hosts, and the 100,000-job
/// test takes the whole machine.
@Suite(.serialized)
struct QueueTests {}

/// The test cluster that `make test` starts (scripts/pg-cluster.sh) and describes in the environment.
enum TestDatabase {
    /// The database's URL, from `GIPC_TEST_DATABASE_URL`. A test that needs the database fails without it.
    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["GIPC_TEST_DATABASE_URL"] else {
            throw MissingDatabase(
                description: "GIPC_TEST_DATABASE_URL is not set: run the queue's tests with `make test`, which starts "
                    + "a PostgreSQL cluster (scripts/pg-cluster.sh start), or set it to the URL of one")
        }
        return url
    }

    /// The settings of ``url()``.
    static func settings() throws -> DatabaseSettings { try DatabaseSettings(url: url()) }

    /// The cluster's folder, for `scripts/pg-cluster.sh restart`, from `GIPC_TEST_PG_CLUSTER_DIR`.
    static func clusterDirectory() throws -> String {
        guard let directory = ProcessInfo.processInfo.environment["GIPC_TEST_PG_CLUSTER_DIR"] else {
            throw MissingDatabase(
                description: "GIPC_TEST_PG_CLUSTER_DIR is not set: `make test` sets it to the cluster it starts")
        }
        return directory
    }

    /// A queue name no other test uses.
    static func queueName(_ label: String) -> String {
        "test-\(label)-\(UUID().uuidString.prefix(8))"
    }

    /// Runs `psql` on the test database with `sql`, and returns its output (unaligned, tuples only).
    @discardableResult
    static func psql(_ sql: String) throws -> String {
        let result = try run("psql", ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", url(), "-c", sql])
        try #require(result.status == 0, "psql failed: \(result.error)")
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Thrown by a test that needs the test database when none is configured: the test fails, it is not skipped.
struct MissingDatabase: Error, CustomStringConvertible {
    let description: String
}

/// Paths of the programs the queue's tests run.
enum QueueTestPrograms {
    /// The built `gipc` tool, next to the test bundle.
    static let gipc = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("gipc").path
    /// Tests/Interop/queue_worker.py.
    static let worker = Repository.root.appendingPathComponent("Tests/Interop/queue_worker.py").path
    /// scripts/pg-cluster.sh.
    static let cluster = Repository.root.appendingPathComponent("scripts/pg-cluster.sh").path
}

/// What a finished program wrote and how it ended.
struct ProgramResult {
    var status: Int32
    var output: String
    var error: String
}

/// Runs `executable` (looked up in PATH) with `arguments` and `input`, and waits for it.
func run(_ executable: String, _ arguments: [String], input: String = "") throws -> ProgramResult {
    let base = "/tmp/gipc-queue-tests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let paths = (input: base + ".in", output: base + ".out", error: base + ".err")
    defer { for path in [paths.input, paths.output, paths.error] { unlink(path) } }
    _ = FileManager.default.createFile(atPath: paths.input, contents: Data(input.utf8))
    _ = FileManager.default.createFile(atPath: paths.output, contents: nil)
    _ = FileManager.default.createFile(atPath: paths.error, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    process.standardInput = FileHandle(forReadingAtPath: paths.input)
    process.standardOutput = FileHandle(forWritingAtPath: paths.output)
    process.standardError = FileHandle(forWritingAtPath: paths.error)
    try process.run()
    process.waitUntilExit()
    return ProgramResult(
        status: process.terminationStatus,
        output: String(decoding: try Data(contentsOf: URL(fileURLWithPath: paths.output)), as: UTF8.self),
        error: String(decoding: try Data(contentsOf: URL(fileURLWithPath: paths.error)), as: UTF8.self))
}

/// A `gipc worker` process serving a queue with Tests/Interop/queue_worker.py, its standard error in a file.
final class WorkerHost: @unchecked Sendable {
    let process = Process()
    let errorPath: String
    let name: String

    /// Starts a host named `name` serving `queue`, with `workers` workers and a lease of `lease`.
    init(
        queue: String, name: String, workers: Int = 2, lease: String = "2s", log: String? = nil,
        extra: [String] = []
    ) throws {
        self.name = name
        errorPath = "/tmp/gipc-queue-tests-\(getpid())-\(name)-\(UInt32.random(in: 0...UInt32.max)).err"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: QueueTestPrograms.gipc)
        process.arguments =
            [
                "worker", "--database", try TestDatabase.url(), "--queue", queue, "--workers", "\(workers)",
                "--lease", lease, "--host", name, "--grace-period", "2s",
            ] + extra + ["--", "python3", QueueTestPrograms.worker]
        var environment = ProcessInfo.processInfo.environment
        if let log { environment["GIPC_QUEUE_LOG"] = log }
        process.environment = environment
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        try process.run()
    }

    /// What the host wrote on standard error so far.
    var standardError: String {
        (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
    }

    /// Waits until the host says it serves.
    func waitUntilServing() async throws {
        let serving = await eventually(within: .seconds(30)) { self.standardError.contains("serving queue") }
        try #require(serving, "host \(name) did not start: \(standardError)")
    }

    /// Sends `signal` to the host.
    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the host to exit, at most `timeout`; returns its status, or nil if it still runs.
    func join(within timeout: Duration = .seconds(20)) async -> Int32? {
        let ended = await eventually(within: timeout) { !self.process.isRunning }
        return ended ? process.terminationStatus : nil
    }

    /// Stops the host (SIGTERM, then SIGKILL) and removes its files.
    func stop() async {
        if process.isRunning {
            send(SIGTERM)
            if await join(within: .seconds(15)) == nil { send(SIGKILL) }
        }
        _ = await join(within: .seconds(5))
        unlink(errorPath)
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

/// Polls `condition` every 20 ms for at most `timeout`; returns whether it became true.
func eventually(within timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// Runs `body` with `queue` served by an in-process host: a pool of Tests/Interop/queue_worker.py workers.
func withServedQueue<Return: Sendable>(
    _ queue: JobQueue, workers: Int = 2, options: WorkerOptions = WorkerOptions(), environment: [String: String?] = [:],
    _ body: @Sendable (JobQueue) async throws -> Return
) async throws -> Return {
    var poolOptions = PoolOptions(workers: workers)
    poolOptions.environment = .inherit(updating: environment)
    return try await GIPC.withPool(
        executable: "python3", arguments: [QueueTestPrograms.worker], job: Value.self, result: Value.self,
        options: poolOptions
    ) { pool in
        let serving = Task { try await queue.serve(pool, options: options) }
        do {
            let result = try await body(queue)
            serving.cancel()
            try await serving.value
            return result
        } catch {
            serving.cancel()
            _ = try? await serving.value
            throw error
        }
    }
}

/// A log of job executions written by queue_worker.py (GIPC_QUEUE_LOG): how many times each job ran.
struct ExecutionLog {
    let path: String

    init(_ label: String) {
        path = "/tmp/gipc-queue-tests-\(getpid())-\(label)-\(UInt32.random(in: 0...UInt32.max)).log"
    }

    /// The number of runs per job number.
    func runs() -> [Int: Int] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        var runs: [Int: Int] = [:]
        for line in text.split(separator: "\n") {
            if let n = Int(line.split(separator: " ").first ?? "") { runs[n, default: 0] += 1 }
        }
        return runs
    }

    func remove() { unlink(path) }
}

/// A job for Tests/Interop/queue_worker.py that does more than double a number.
struct JobSpec: Codable, Sendable {
    var n: Int
    /// Seconds to sleep before answering.
    var sleep: Double? = nil
    /// SIGKILL the worker instead of answering.
    var crash: Bool? = nil
    /// Answer with this many bytes instead of 2 * n.
    var bytes: Int? = nil
}
