/// What to start: the internal description of one child process that ``ChildProcess/spawn(_:)`` starts.
///
/// The layers above build it: the entry-point launcher re-executes the current program, the executable launcher
/// starts a foreign peer. The child leads a process group of its own (its pgid is its pid). Descriptors are
/// mapped, not prepared: the caller clears `O_NONBLOCK` on them if the child expects blocking descriptors, and
/// closes its own copies once the child has started.
struct SpawnRequest: Sendable {
    /// An absolute or relative path (anything with a `/`), or a bare name looked up in the `PATH` of
    /// ``environment`` (`/bin:/usr/bin` when it has none), as `execvp` does.
    var executable: String
    /// `argv[1...]`.
    var arguments: [String]
    /// The child's complete environment (nothing is inherited implicitly).
    var environment: [String: String]
    /// Descriptors of this process that the child receives as 3, 4, 5, … in this order. The child gets these
    /// and 0, 1, 2 (0 inherited as it is; 1 and 2 as ``standardOutput`` and ``standardError`` say), nothing else.
    var descriptors: [Int32]
    /// Where the child's descriptor 1 goes.
    var standardOutput: ChildOutput
    /// Where the child's descriptor 2 goes.
    var standardError: ChildOutput
    /// Whether the child's process group gets SIGKILL when the child's exit is observed, just before the child is
    /// reaped (its pid and process group ID are still reserved then): nothing the child started in its group
    /// outlives it. ``ChildProcess/stop(gracePeriod:)`` sets this too.
    var killGroupOnExit: Bool
    /// Whether the child gets SIGKILL when this process dies (Linux `PR_SET_PDEATHSIG`; no effect elsewhere).
    var daemon: Bool
    /// `argv[0]`, and the name ``ChildProcess/name`` reports.
    var name: String
    /// How the child is started: ``StartMethod/forkServer`` only for a program that re-executes into an entry
    /// (`arguments` empty); executables are always spawned.
    var startMethod: StartMethod

    init(
        executable: String,
        arguments: [String] = [],
        environment: [String: String],
        descriptors: [Int32] = [],
        standardOutput: ChildOutput = .inherit,
        standardError: ChildOutput = .inherit,
        killGroupOnExit: Bool = false,
        daemon: Bool = false,
        name: String? = nil,
        startMethod: StartMethod = .spawn
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.descriptors = descriptors
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.killGroupOnExit = killGroupOnExit
        self.daemon = daemon
        self.name = name ?? executable
        self.startMethod = startMethod
    }

    /// Checks what the C interface cannot carry: NUL bytes, malformed variable names, negative descriptors.
    /// - Throws: ``GIPCError`` ``GIPCError/Code/invalidArgument``.
    func validate() throws(GIPCError) {
        func refuse(_ message: String) -> GIPCError { GIPCError(.invalidArgument, message) }
        if executable.isEmpty { throw refuse("the executable path is empty") }
        if executable.utf8.contains(0) { throw refuse("the executable path contains a NUL byte") }
        if name.utf8.contains(0) { throw refuse("the process name contains a NUL byte") }
        if let index = arguments.firstIndex(where: { $0.utf8.contains(0) }) {
            throw refuse("argument \(index + 1) contains a NUL byte")
        }
        for (key, value) in environment {
            if key.isEmpty || key.utf8.contains(0) || key.utf8.contains(UInt8(ascii: "=")) {
                throw refuse("environment variable name \"\(key)\" is empty or contains \"=\" or a NUL byte")
            }
            if value.utf8.contains(0) { throw refuse("environment variable \(key) contains a NUL byte") }
        }
        if let fd = descriptors.first(where: { $0 < 0 }) { throw refuse("descriptor \(fd) is negative") }
    }
}
