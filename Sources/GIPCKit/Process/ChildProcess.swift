import GIPCRuntime

/// A child process started by GIPCKit: its identity, its exit status, and ways to wait for it and stop it.
///
/// Every child is watched from the moment it starts and reaped as soon as it exits, whether or not anybody
/// joins it, so it never stays a zombie. Waiting suspends the calling task; no thread blocks.
///
/// ```swift
/// let status = try await child.join(timeout: .seconds(5)) ?? {
///     try child.terminate()
///     return try await child.join()
/// }()
/// print(child.name, status)  // "worker exited with code 0"
/// ```
public final class ChildProcess: Sendable, CustomStringConvertible {
    /// The process ID. After the child has been reaped the number may belong to another process; the signal
    /// methods of this object never reach it.
    public let pid: Int32
    /// The name the child was started with (its `argv[0]`).
    public let name: String
    /// Whether the child is killed when this process dies (Linux `PR_SET_PDEATHSIG`).
    public let isDaemon: Bool
    /// The lines of the child's standard output, when it was started with ``ChildOutput/capture``; otherwise `nil`.
    public let standardOutput: CapturedOutput?
    /// The lines of the child's standard error, when it was started with ``ChildOutput/capture``; otherwise `nil`.
    public let standardError: CapturedOutput?

    let monitor: ProcessMonitor

    init(
        pid: Int32, name: String, isDaemon: Bool, monitor: ProcessMonitor, standardOutput: CapturedOutput? = nil,
        standardError: CapturedOutput? = nil
    ) {
        self.pid = pid
        self.name = name
        self.isDaemon = isDaemon
        self.monitor = monitor
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Starts a child process. See ``SpawnRequest`` for what the child receives.
    ///
    /// The work happens on the library's spawner thread; the calling task suspends meanwhile. A spawn that has
    /// been handed over is not cancelled: it completes, so that a started child is never lost.
    /// - Parameter request: what to start.
    /// - Returns: the running child, already watched.
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/invalidArgument`` (NUL bytes, bad variable names, a
    ///   descriptor that is not open, a file for standard output or error that cannot be opened, a capture keeping a
    ///   negative number of lines), ``GIPCError/Code/executableNotFound`` (no such file, not executable;
    ///   `errno` says which), ``GIPCError/Code/spawnFailed`` (EMFILE, ENFILE, EAGAIN, ENOMEM, ...; `syscall` and
    ///   `errno` say where). Nothing is left behind on failure: no descriptor, no child.
    static func spawn(_ request: SpawnRequest) async throws(GIPCError) -> ChildProcess {
        try request.validate()
        // Both run on first use and can fail when the process is out of descriptors or threads; nothing has
        // started then.
        let reactor: Reactor
        let spawner: Spawner
        do {
            reactor = try Reactor.running()
            spawner = try Spawner.running()
        } catch {
            throw GIPCError(spawnFailure: error, "cannot start a child")
        }
        var streams = try StandardStreams.prepare(
            output: request.standardOutput, error: request.standardError, reactor: reactor)
        let (output, error) = (streams.output, streams.error)
        let result = await spawner.run {
            ProcessLauncher.launch(request, standardOutput: output, standardError: error)
        }
        streams.closeChildEnds()
        let launched: LaunchedProcess
        switch result {
        case .success(let value):
            launched = value
        case .failure(let failure):
            streams.abandonCaptures()
            throw failure
        }
        streams.startCapturing()
        let monitor = ProcessMonitor.start(
            pid: launched.pid, pidfd: launched.pidfd, reactor: reactor, killGroupOnExit: request.killGroupOnExit)
        return ChildProcess(
            pid: launched.pid, name: request.name, isDaemon: request.daemon, monitor: monitor,
            standardOutput: streams.outputCapture, standardError: streams.errorCapture)
    }

    /// Whether the child is still running: `false` once its exit has been observed.
    public var isAlive: Bool { monitor.status == nil }

    /// How the child ended, or `nil` while it runs.
    public var exitStatus: ExitStatus? { monitor.status }

    /// The exit status in gipc's and Python multiprocessing's convention: the exit code, or the negated signal
    /// number (-15 after SIGTERM); `nil` while the child runs.
    public var exitCode: Int32? { monitor.status?.exitCode }

    /// Waits for the child to exit. Suspends the calling task; no thread blocks.
    /// - Returns: how the child ended. Every caller gets the same status, however many wait and whenever.
    /// - Throws: `CancellationError` if the calling task is cancelled (the child keeps running and is still
    ///   reaped when it exits).
    public func join() async throws -> ExitStatus {
        guard let status = try await monitor.wait(until: nil) else {
            preconditionFailure("GIPCKit: a wait without a deadline ended without a status")
        }
        return status
    }

    /// Waits at most `timeout` for the child to exit.
    /// - Parameter timeout: how long to wait; zero or negative only checks.
    /// - Returns: how the child ended, or `nil` if it is still running when the timeout passes.
    /// - Throws: `CancellationError` if the calling task is cancelled.
    public func join(timeout: Duration) async throws -> ExitStatus? {
        try await monitor.wait(until: .after(timeout))
    }

    public var description: String {
        "ChildProcess(\(name), pid \(pid), \(exitStatus.map { "\($0)" } ?? "running"))"
    }
}
