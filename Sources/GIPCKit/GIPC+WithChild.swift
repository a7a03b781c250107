extension GIPC {
    /// Starts a child that runs `entry`, runs `body` with it, and stops the child when `body` is done.
    ///
    /// The child belongs to the scope: however `body` ends (it returns, it throws, or the task is cancelled), the
    /// child is stopped with ``ChildProcess/stop(gracePeriod:)`` (SIGTERM to its process group, `gracePeriod`, then
    /// SIGKILL) and reaped before this returns or rethrows. The child is started so that its process group gets
    /// SIGKILL when its exit is observed: nothing it started in its group outlives it, even when it exits on its own
    /// while `body` runs.
    ///
    /// ```swift
    /// let total = try await GIPC.withChild(Summer.self, .init(numbers: reader, result: resultSink)) { child in
    ///     for number in 1...10 { try await writer.put(number) }
    ///     try writer.close()
    ///     return try await results.get()
    /// }
    /// ```
    ///
    /// Processes the child starts with GIPCKit lead groups of their own and are not in its group: start them with
    /// `withChild` in the child, or with `daemon: true` so that they die with it.
    /// - Parameters:
    ///   - entry: the entry to run; the host program's ``bootstrap(_:)`` must list it.
    ///   - arguments: the entry's arguments; pipe handles in them move to the child.
    ///   - name: the process's `argv[0]`; default: "<file name of the host program>: <entry name>".
    ///   - daemon: if `true`, the child is also killed when this process dies.
    ///   - host: the program to start instead of ``entryHost``.
    ///   - environment: the child's environment; default: this process's.
    ///   - standardOutput: where the child's standard output goes; default: where this process's goes.
    ///   - standardError: where the child's standard error goes; default: where this process's goes.
    ///   - gracePeriod: how long the child may take to exit after SIGTERM when the scope ends.
    ///   - startMethod: how the child is started; default: ``StartMethod/default``.
    ///   - isolation: the actor `body` runs on; by default the caller's.
    ///   - body: what to do with the running child.
    /// - Returns: what `body` returns.
    /// - Throws: what ``start(_:_:name:daemon:host:environment:standardOutput:standardError:startMethod:)`` throws
    ///   (then `body` does not run), or what `body` throws (after the child has been stopped).
    public static func withChild<Entry: ChildEntry, Result>(
        _ entry: Entry.Type,
        _ arguments: Entry.Arguments,
        name: String? = nil,
        daemon: Bool = false,
        host: String? = nil,
        environment: ChildEnvironment = .inherit,
        standardOutput: ChildOutput = .inherit,
        standardError: ChildOutput = .inherit,
        gracePeriod: Duration = .seconds(5),
        startMethod: StartMethod? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (ChildProcess) async throws -> sending Result
    ) async throws -> sending Result {
        let child = try await startEntry(
            entry, arguments, name: name, daemon: daemon, host: host, environment: environment,
            standardOutput: standardOutput, standardError: standardError, killGroupOnExit: true,
            startMethod: startMethod)
        return try await scoped(child, gracePeriod: gracePeriod, body)
    }

    /// Starts any program with pipe handles, runs `body` with it, and stops the program when `body` is done.
    ///
    /// The program belongs to the scope as in
    /// ``withChild(_:_:name:daemon:host:environment:standardOutput:standardError:gracePeriod:startMethod:isolation:_:)``:
    /// whether `body` returns, throws or is cancelled, it is stopped (SIGTERM to its process group, `gracePeriod`,
    /// SIGKILL) and reaped before this returns, and nothing it started in its group outlives it.
    ///
    /// ```swift
    /// let version = try await GIPC.withChild(
    ///     executable: "python3", arguments: ["--version"], standardOutput: .capture
    /// ) { child in
    ///     _ = try await child.join(timeout: .seconds(5))
    ///     return await child.standardOutput!.finalLines().first
    /// }
    /// ```
    /// - Parameters:
    ///   - executable: a path, or a name looked up in the `PATH` of the environment the child gets.
    ///   - arguments: the program's arguments (without `argv[0]`).
    ///   - environment: the child's environment; default: this process's.
    ///   - handles: the handles to hand over, at descriptors 3, 4, … in this order.
    ///   - name: the process's `argv[0]`; default: `executable`.
    ///   - daemon: if `true`, the child is also killed when this process dies.
    ///   - standardOutput: where the child's standard output goes; default: where this process's goes.
    ///   - standardError: where the child's standard error goes; default: where this process's goes.
    ///   - gracePeriod: how long the child may take to exit after SIGTERM when the scope ends.
    ///   - isolation: the actor `body` runs on; by default the caller's.
    ///   - body: what to do with the running child.
    /// - Returns: what `body` returns.
    /// - Throws: what ``start(executable:arguments:environment:handles:name:daemon:standardOutput:standardError:)``
    ///   throws (then `body` does not run), or what `body` throws (after the child has been stopped).
    public static func withChild<Result>(
        executable: String,
        arguments: [String] = [],
        environment: ChildEnvironment = .inherit,
        handles: [any TransferableHandle] = [],
        name: String? = nil,
        daemon: Bool = false,
        standardOutput: ChildOutput = .inherit,
        standardError: ChildOutput = .inherit,
        gracePeriod: Duration = .seconds(5),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (ChildProcess) async throws -> sending Result
    ) async throws -> sending Result {
        let child = try await startExecutable(
            executable, arguments: arguments, environment: environment, standardOutput: standardOutput,
            standardError: standardError, handles: handles, name: name, daemon: daemon, killGroupOnExit: true)
        return try await scoped(child, gracePeriod: gracePeriod, body)
    }

    /// Runs `body` with `child`, then stops the child however `body` ended.
    private static func scoped<Result>(
        _ child: ChildProcess,
        gracePeriod: Duration,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (ChildProcess) async throws -> sending Result
    ) async throws -> sending Result {
        let result: Result
        do {
            result = try await body(child)
        } catch {
            await child.stop(gracePeriod: gracePeriod)
            throw error
        }
        await child.stop(gracePeriod: gracePeriod)
        return result
    }
}
