import GIPCRuntime
import GIPCTransport

extension GIPC {
    /// Runs `body` with a pool of worker processes running the Swift worker `worker`.
    ///
    /// The worker must be listed in the host program's ``bootstrap(_:)``. When `body` returns, the pool drains:
    /// it takes no more jobs, runs those it has, and lets its workers exit. When `body` throws or the task is
    /// cancelled, jobs not yet answered fail with ``GIPCError/Code/closed`` and the workers are stopped. Either way
    /// no worker outlives the call.
    /// - Parameters:
    ///   - worker: the worker type.
    ///   - codec: the codec of jobs and results; it must describe its settings (the built-in codecs do).
    ///   - options: workers, queue, timeouts, recycling, the workers' output and environment.
    ///   - host: the program to start workers from instead of ``entryHost``.
    ///   - isolation: the caller's actor, on which `body` runs (inferred).
    ///   - body: what to do with the pool.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws; ``GIPCError`` when the first worker cannot be started (for example
    ///   ``GIPCError/Code/entryNotFound``) or the options are out of range (``GIPCError/Code/invalidArgument``).
    public static func withPool<Worker: PoolWorker, Return>(
        _ worker: Worker.Type,
        codec: any MessageCodec = .msgpack,
        options: PoolOptions = PoolOptions(),
        host: String? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (ProcessPool<Worker.Job, Worker.Result>) async throws -> sending Return
    ) async throws -> sending Return {
        guard codec.settings != nil else {
            throw GIPCError(
                .invalidArgument, "codec '\(codec.name)' cannot describe its settings, so workers could not rebuild it")
        }
        let launcher = PoolLauncher.entry(worker, codec: codec, options: options, host: host)
        return try await runPool(launcher: launcher, codec: codec, options: options, body)
    }

    /// Runs `body` with a pool of worker processes running `executable`.
    ///
    /// A worker reads jobs as frames on descriptor 3 and writes exactly one result frame per job on descriptor 4,
    /// in order, both encoded with `codec` and described by `GIPC_HANDLES` (docs/POOL.md has a Python worker in a few
    /// lines). It exits when descriptor 3 reaches the end of its stream. Draining, cancelling and teardown are as for
    /// ``withPool(_:codec:options:host:isolation:_:)``.
    /// - Parameters:
    ///   - executable: a path, or a name looked up in the `PATH` of the workers' environment.
    ///   - arguments: its arguments.
    ///   - job: the type of jobs.
    ///   - result: the type of results.
    ///   - codec: the codec of jobs and results.
    ///   - options: workers, queue, timeouts, recycling, the workers' output and environment.
    ///   - isolation: the caller's actor, on which `body` runs (inferred).
    ///   - body: what to do with the pool.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws; ``GIPCError`` when the first worker cannot be started (for example
    ///   ``GIPCError/Code/executableNotFound``) or the options are out of range.
    public static func withPool<Job: Encodable & Sendable, Result: Decodable & Sendable, Return>(
        executable: String,
        arguments: [String] = [],
        job: Job.Type = Job.self,
        result: Result.Type = Result.self,
        codec: any MessageCodec = .msgpack,
        options: PoolOptions = PoolOptions(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (ProcessPool<Job, Result>) async throws -> sending Return
    ) async throws -> sending Return {
        let launcher = PoolLauncher.executable(executable, arguments: arguments, codec: codec, options: options)
        return try await runPool(launcher: launcher, codec: codec, options: options, body)
    }

    private static func runPool<Job: Encodable & Sendable, Result: Decodable & Sendable, Return>(
        launcher: PoolLauncher,
        codec: any MessageCodec,
        options: PoolOptions,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (ProcessPool<Job, Result>) async throws -> sending Return
    ) async throws -> sending Return {
        try options.validate()
        let reactor: Reactor
        do { reactor = try Reactor.running() } catch { throw GIPCError(error) }
        let core = PoolCore(options: options, launcher: launcher, reactor: reactor)
        try await core.startFirstWorkers()
        let pool = ProcessPool<Job, Result>(core: core, codec: codec)
        let result: Return
        do {
            result = try await body(pool)
        } catch {
            await core.close(with: GIPCError(.closed, "the pool's scope ended with an error before the job ran"))
            throw error
        }
        if Task.isCancelled {
            await core.close(with: GIPCError(.closed, "the pool's task was cancelled before the job ran"))
        } else {
            await core.drain()
        }
        return result
    }
}
