import CGIPCSystem
import Foundation
import GIPCRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

#if os(Linux)
    /// The forkserver start method's caller side: one helper per program, started on first use, asked for each child.
    ///
    /// Runs only on the ``Spawner`` thread, so requests to a helper are serialised. A helper is this program (or the
    /// entry host) executed with `GIPC_FORKSERVER` set; a constructor in CGIPCSystem (gipc_forkserver.c) catches that
    /// before `main` and serves requests over a socket pair. The helper is a daemon child of this process
    /// (PR_SET_PDEATHSIG, relative to the spawner thread, which never exits), so it dies with this process; it also
    /// exits when its socket reaches end of file. It is watched and reaped like any child.
    ///
    /// A helper that is gone when a request is sent (or that closes its socket before it made a child) is replaced and
    /// the request sent once more; a second failure, a helper that does not answer within ``replyTimeoutMilliseconds``,
    /// or one that dies after making the child, fails the start with ``GIPCError/Code/spawnFailed`` (a child made
    /// meanwhile is killed and reaped).
    package enum ForkServer {
        /// How long a request waits for each reply, and a new helper for its greeting.
        static let replyTimeoutMilliseconds: Int32 = 10_000

        private struct Helper {
            var pid: Int32
            var socket: Int32
            var monitor: ProcessMonitor
        }

        /// The helpers by program path.
        private static let helpers = Mutex<[String: Helper]>([:])
        /// Programs that ended without greeting when started as a helper: their children are spawned.
        private static let spawnOnly = Mutex<Set<String>>([])

        /// The pids of the running helpers (for tests and diagnostics).
        package static var helperPIDs: [Int32] {
            helpers.withLock { $0.values.filter { $0.monitor.status == nil }.map(\.pid) }
        }

        /// Starts `request` through the helper for `path`; see ``ProcessLauncher/launch(_:standardOutput:standardError:)``.
        /// - Returns: `nil` when this request cannot go through a helper (too many descriptors, no working directory to
        ///   hand over, a request too large, a program without helper mode): the caller spawns it.
        static func launch(
            _ request: SpawnRequest, path: String, envp: CStringArray, standardOutput: Int32?,
            standardError: Int32?
        ) throws(GIPCError) -> pid_t? {
            guard request.descriptors.count + 4 <= Int(GIPC_FORKSERVER_MAX_DESCRIPTORS) else { return nil }
            let cwd = gipc_forkserver_open_cwd()
            guard cwd >= 0 else { return nil }
            defer { close(cwd) }
            let input: Int32 = fcntl(0, F_GETFD) >= 0 ? 0 : -1
            let output = standardOutput ?? (fcntl(1, F_GETFD) >= 0 ? 1 : -1)
            let error = standardError ?? (fcntl(2, F_GETFD) >= 0 ? 2 : -1)
            let deathSignal = request.daemon ? SIGKILL : 0

            for attempt in 1...2 {
                guard let helper = try running(path: path) else { return nil }
                var pid: pid_t = -1
                var step: Int32 = 0
                let rc = request.descriptors.withUnsafeBufferPointer { fds in
                    gipc_forkserver_request(
                        helper.socket, fds.baseAddress, Int32(fds.count), input, output, error, cwd, deathSignal,
                        request.name, envp.pointer, replyTimeoutMilliseconds, &pid, &step)
                }
                if rc == 0 { return pid }
                switch Int(step) {
                case Int(GIPC_FORKSERVER_STEP_SEND), Int(GIPC_FORKSERVER_STEP_REPLY):
                    discard(path: path)
                    if pid > 0 {
                        // The child was made, but the helper is lost before it reported the child's set-up.
                        kill(pid, SIGKILL)
                        gipc_reap_blocking(pid)
                        throw GIPCError(
                            .spawnFailed, "the forkserver helper for \(path) was lost while starting a child",
                            syscall: "read", errno: rc)
                    }
                    if attempt == 2 || rc == ETIMEDOUT {
                        throw GIPCError(
                            .spawnFailed, "the forkserver helper for \(path) did not answer",
                            syscall: step == GIPC_FORKSERVER_STEP_SEND ? "sendmsg" : "read", errno: rc)
                    }
                case Int(GIPC_FORKSERVER_STEP_REQUEST):
                    return nil
                case Int(GIPC_FORKSERVER_STEP_CLONE):
                    throw GIPCError(.spawnFailed, "cannot start \(path)", syscall: "clone", errno: rc)
                default:
                    if pid > 0 { gipc_reap_blocking(pid) }
                    throw GIPCError(
                        .spawnFailed, "cannot set up the child of \(path)",
                        syscall: "setpgid/prctl/dup2/fchdir in the child", errno: rc)
                }
            }
            preconditionFailure("GIPCKit: the forkserver retry loop ended without a result")
        }

        /// Starts the helper for `path` unless it runs (or `path` cannot be one).
        static func prepare(path: String) throws(GIPCError) {
            _ = try running(path: path)
        }

        /// The running helper for `path`, started if there is none (or the last one has exited); `nil` for a program
        /// that cannot be a helper.
        private static func running(path: String) throws(GIPCError) -> Helper? {
            if let helper = helpers.withLock({ $0[path] }) {
                if helper.monitor.status == nil { return helper }
                discard(path: path)
            }
            if spawnOnly.withLock({ $0.contains(path) }) { return nil }
            guard let helper = try start(path: path) else {
                spawnOnly.withLock { _ = $0.insert(path) }
                return nil
            }
            helpers.withLock { $0[path] = helper }
            return helper
        }

        /// Closes the socket to the helper for `path` (it exits at end of file), kills it in case it is stuck, and
        /// forgets it; its monitor reaps it.
        private static func discard(path: String) {
            guard let helper = helpers.withLock({ $0.removeValue(forKey: path) }) else { return }
            close(helper.socket)
            try? helper.monitor.send(SIGKILL)
        }

        /// Executes `path` in helper mode and waits for its greeting.
        /// - Returns: `nil` when the program ended without greeting (it has no helper mode: a program that does not link
        ///   GIPCKit, or one that started a thread before `main`).
        private static func start(path: String) throws(GIPCError) -> Helper? {
            let reactor: Reactor
            do {
                reactor = try Reactor.running()
            } catch {
                throw GIPCError(spawnFailure: error, "cannot start the forkserver helper")
            }
            var ends: [Int32] = [-1, -1]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
                throw GIPCError(
                    .spawnFailed, "cannot make the forkserver helper's socket", syscall: "socketpair", errno: errno)
            }
            let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
            guard devNull >= 0 else {
                let code = errno
                close(ends[0])
                close(ends[1])
                throw GIPCError(.spawnFailed, "cannot open /dev/null", syscall: "open", errno: code)
            }
            // This process's environment: what the dynamic loader, the C library and the Swift runtime read while the
            // program loads is the same for every child (see StartMethod.forkServer).
            var variables = ProcessInfo.processInfo.environment
            for variable in [GIPC.argumentsDescriptorVariable, HandleDescription.environmentVariable] {
                variables.removeValue(forKey: variable)
            }
            variables["GIPC_FORKSERVER"] = "3:\(getpid())"
            // A program built without the helper mode exits at once: its bootstrap knows no such entry.
            variables[GIPC.entryVariable] = "GIPC.forkserver"
            // The helper resolves every symbol once; its children inherit the bindings instead of each resolving them.
            variables["LD_BIND_NOW"] = "1"
            let request = SpawnRequest(
                executable: path, environment: variables, descriptors: [ends[1]], daemon: true,
                name: "\(ProcessNames.fileName(of: path)): forkserver")
            let launched: LaunchedProcess
            let result = ProcessLauncher.launch(request, standardOutput: devNull, standardError: devNull)
            // Only the helper keeps its end: if it exits, the greeting below reads end of file.
            close(ends[1])
            close(devNull)
            switch result {
            case .success(let value): launched = value
            case .failure(let failure):
                close(ends[0])
                throw failure
            }
            let monitor = ProcessMonitor.start(pid: launched.pid, pidfd: launched.pidfd, reactor: reactor)
            let rc = gipc_forkserver_await_ready(ends[0], replyTimeoutMilliseconds)
            guard rc == 0 else {
                close(ends[0])
                try? monitor.send(SIGKILL)
                if rc == EPROTO { return nil }
                throw GIPCError(
                    .spawnFailed,
                    "the forkserver helper \(path) did not start in time", syscall: "read", errno: rc, pid: launched.pid
                )
            }
            return Helper(pid: launched.pid, socket: ends[0], monitor: monitor)
        }
    }
#endif
