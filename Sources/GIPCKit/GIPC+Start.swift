import CGIPCSystem
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension GIPC {
    private static let entryHostOverride = Mutex<String?>(nil)

    /// The environment variable that names the program hosting entries, when it is not the current program.
    public static let entryHostVariable = "GIPC_ENTRY_HOST"

    /// The program that children running entries are started from.
    ///
    /// By default the current program (`/proc/self/exe`), which must call ``bootstrap(_:)``. When the current
    /// program is not yours to change (a `swift test` runner, a server framework's `main`), build a small executable
    /// that calls ``bootstrap(_:)`` with the entries, and name it here, with the `GIPC_ENTRY_HOST` environment
    /// variable, or per call with `host:`.
    public static var entryHost: String {
        get {
            if let path = entryHostOverride.withLock({ $0 }) { return path }
            if let path = ProcessInfo.processInfo.environment[entryHostVariable], !path.isEmpty { return path }
            #if os(Linux)
                return "/proc/self/exe"
            #else
                return ProcessInfo.processInfo.arguments[0]
            #endif
        }
        set { entryHostOverride.withLock { $0 = newValue } }
    }

    /// Starts a child process that runs `entry` with `arguments`.
    ///
    /// Pipe handles anywhere inside `arguments` move to the child: it inherits their descriptors, and they are
    /// closed here once the child has started (using them afterwards throws ``GIPCError/Code/transferred``).
    /// - Parameters:
    ///   - entry: the entry to run; the host program's ``bootstrap(_:)`` must list it.
    ///   - arguments: the entry's arguments.
    ///   - name: the process's `argv[0]` (and ``ChildProcess/name``), used as it is; default: "<file name of the
    ///     host program>: <entry name>", such as `server: App.Indexer`.
    ///   - daemon: if `true`, the child is killed when this process dies.
    ///   - host: the program to start instead of ``entryHost``.
    ///   - environment: the child's environment; default: this process's (see ``ChildEnvironment``).
    ///   - standardOutput: where the child's standard output goes; default: where this process's goes.
    ///   - standardError: where the child's standard error goes; default: where this process's goes.
    ///   - startMethod: how the child is started; default: ``StartMethod/default``.
    /// - Returns: the running child, leading a process group of its own.
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/entryNotFound`` (this program hosts entries but not this one),
    ///   ``GIPCError/Code/transferred`` / ``GIPCError/Code/closed`` (a handle was given away or closed before:
    ///   nothing starts), ``GIPCError/Code/locked`` (a task is inside `get`/`put` on a handle),
    ///   ``GIPCError/Code/invalidArgument`` (the arguments cannot be encoded: ``GIPCError/underlying`` holds the
    ///   error their `encode(to:)` threw; or a file for standard output or error cannot be opened: `syscall` and
    ///   `errno` say why), ``GIPCError/Code/spawnFailed`` (out of descriptors, processes or memory),
    ///   ``GIPCError/Code/executableNotFound``; `CancellationError` if the calling task is already cancelled (nothing
    ///   starts). When starting fails, every handle stays usable here. Once this returns, the child has all of its
    ///   arguments: they are written before it starts, so this process may exit at once.
    public static func start<Entry: ChildEntry>(
        _ entry: Entry.Type,
        _ arguments: Entry.Arguments,
        name: String? = nil,
        daemon: Bool = false,
        host: String? = nil,
        environment: ChildEnvironment = .inherit,
        standardOutput: ChildOutput = .inherit,
        standardError: ChildOutput = .inherit,
        startMethod: StartMethod? = nil
    ) async throws -> ChildProcess {
        try await startEntry(
            entry, arguments, name: name, daemon: daemon, host: host, environment: environment,
            standardOutput: standardOutput, standardError: standardError, killGroupOnExit: false,
            startMethod: startMethod)
    }

    /// ``start(_:_:name:daemon:host:environment:standardOutput:standardError:startMethod:)``, and whether the
    /// child's process group is killed when its exit is observed.
    static func startEntry<Entry: ChildEntry>(
        _ entry: Entry.Type, _ arguments: Entry.Arguments, name: String?, daemon: Bool, host: String?,
        environment: ChildEnvironment, standardOutput: ChildOutput, standardError: ChildOutput, killGroupOnExit: Bool,
        startMethod: StartMethod? = nil
    ) async throws -> ChildProcess {
        try Task.checkCancellation()
        let program = host ?? entryHost
        if host == nil, entryHostOverride.withLock({ $0 }) == nil,
            ProcessInfo.processInfo.environment[entryHostVariable, default: ""].isEmpty,
            EntryRegistry.entry(named: Entry.entryName) == nil
        {
            throw GIPCError(
                .entryNotFound,
                "'\(Entry.entryName)' is not listed in this program's GIPC.bootstrap([...]); list it there, "
                    + "or name a host program that does (GIPC.entryHost, GIPC_ENTRY_HOST or host:)")
        }
        let collector = HandleTransfer.Collector()
        let payload: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.userInfo[HandleTransfer.userInfoKey] = collector
            payload = Array(try encoder.encode(arguments))
        } catch {
            throw GIPCError(
                .invalidArgument, "cannot encode the arguments of '\(Entry.entryName)': \(error)", underlying: error)
        }
        guard payload.count <= maxArgumentsBytes else {
            throw GIPCError(
                .invalidArgument,
                "the arguments of '\(Entry.entryName)' encode to \(payload.count) bytes; the limit is "
                    + "\(maxArgumentsBytes) (send large data through a pipe instead)")
        }
        // Written in full before the child starts: the child gets its arguments whatever this process does next.
        let argumentsFile = try EntryArguments.store(payload)
        defer { close(argumentsFile) }
        let ends = collector.collected
        var variables = environment.resolved(from: ProcessInfo.processInfo.environment)
        variables[entryVariable] = Entry.entryName
        variables[argumentsDescriptorVariable] = String(3 + ends.count)
        return try await spawn(
            program: program, arguments: [], environment: variables, ends: ends, extraDescriptors: [argumentsFile],
            name: name ?? ProcessNames.argumentZero(program: program, entry: Entry.entryName), daemon: daemon,
            standardOutput: standardOutput, standardError: standardError, killGroupOnExit: killGroupOnExit,
            startMethod: startMethod ?? .default)
    }

    /// Starts any program with pipe handles: a Python, Erlang or C peer, or a Swift program of your own.
    ///
    /// The child finds the handles at descriptors 3, 4, … in the order given (a ``DuplexPipe`` takes two: its
    /// reading half, then its writing half), described by the `GIPC_HANDLES` environment variable (see
    /// ``HandleDescription``). Descriptors reach the child in blocking mode, as most programs expect. The handles
    /// are closed here once the child has started.
    /// - Parameters:
    ///   - executable: a path, or a name looked up in the `PATH` of the environment the child gets (`environment`
    ///     resolved), not of this process.
    ///   - arguments: the program's arguments (without `argv[0]`).
    ///   - environment: the child's environment; default: this process's (see ``ChildEnvironment``).
    ///   - standardOutput: where the child's standard output goes; default: where this process's goes.
    ///   - standardError: where the child's standard error goes; default: where this process's goes.
    ///   - handles: the handles to hand over.
    ///   - name: a name for the process (its `argv[0]`); default: `executable`.
    ///   - daemon: if `true`, the child is killed when this process dies.
    /// - Returns: the running child, leading a process group of its own.
    /// - Throws: as ``start(_:_:name:daemon:host:environment:standardOutput:standardError:startMethod:)``, except
    ///   ``GIPCError/Code/entryNotFound``.
    public static func start(
        executable: String,
        arguments: [String] = [],
        environment: ChildEnvironment = .inherit,
        handles: [any TransferableHandle] = [],
        name: String? = nil,
        daemon: Bool = false,
        standardOutput: ChildOutput = .inherit,
        standardError: ChildOutput = .inherit
    ) async throws -> ChildProcess {
        try await startExecutable(
            executable, arguments: arguments, environment: environment, standardOutput: standardOutput,
            standardError: standardError, handles: handles, name: name, daemon: daemon, killGroupOnExit: false)
    }

    /// ``start(executable:arguments:environment:handles:name:daemon:standardOutput:standardError:)``, and whether
    /// the child's process group is killed when its exit is observed.
    static func startExecutable(
        _ executable: String, arguments: [String], environment: ChildEnvironment, standardOutput: ChildOutput,
        standardError: ChildOutput, handles: [any TransferableHandle], name: String?, daemon: Bool,
        killGroupOnExit: Bool
    ) async throws -> ChildProcess {
        try Task.checkCancellation()
        let collector = HandleTransfer.Collector()
        for handle in handles { _ = try collector.add(handle) }
        let ends = collector.collected
        return try await spawn(
            program: executable, arguments: arguments,
            environment: environment.resolved(from: ProcessInfo.processInfo.environment), ends: ends,
            extraDescriptors: [], name: name ?? executable, daemon: daemon, standardOutput: standardOutput,
            standardError: standardError, killGroupOnExit: killGroupOnExit)
    }

    /// Takes every end out of service, starts the child with their descriptors at 3, 4, … (then
    /// `extraDescriptors`, undescribed), then closes them here (or, if starting failed, puts them back in service).
    private static func spawn(
        program: String, arguments: [String], environment: [String: String], ends: [TransferEnd],
        extraDescriptors: [Int32], name: String, daemon: Bool, standardOutput: ChildOutput,
        standardError: ChildOutput, killGroupOnExit: Bool, startMethod: StartMethod = .spawn
    ) async throws -> ChildProcess {
        var descriptors: [Int32] = []
        var begun: [TransferEnd] = []
        func putBack() {
            for (end, fd) in zip(begun, descriptors) {
                _ = gipc_set_nonblocking(fd, 1)
                end.abortTransfer()
            }
        }
        do {
            for end in ends {
                let fd = try end.beginTransfer()
                begun.append(end)
                descriptors.append(fd)
                // Most peers expect blocking descriptors; a Swift child switches them back on adoption.
                _ = gipc_set_nonblocking(fd, 0)
            }
        } catch {
            putBack()
            throw GIPCError(error)
        }
        var variables = environment
        let descriptions = ends.enumerated().map { index, end in end.description(childFD: Int32(3 + index)) }
        variables[HandleDescription.environmentVariable] = HandleDescription.formatList(descriptions)
        let request = SpawnRequest(
            executable: program, arguments: arguments, environment: variables,
            descriptors: descriptors + extraDescriptors, standardOutput: standardOutput,
            standardError: standardError, killGroupOnExit: killGroupOnExit, daemon: daemon, name: name,
            startMethod: startMethod)
        let process: ChildProcess
        do {
            process = try await ChildProcess.spawn(request)
        } catch {
            putBack()
            throw error
        }
        for end in ends { end.completeTransfer(to: process) }
        return process
    }
}
