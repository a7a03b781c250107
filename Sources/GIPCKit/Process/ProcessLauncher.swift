import CGIPCSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child that has started: its pid, and the pidfd that watches it where the kernel has them.
struct LaunchedProcess: Sendable {
    var pid: Int32
    /// `nil` where pidfds are unavailable (macOS, Linux before 5.3, seccomp filters that refuse the call).
    var pidfd: Int32?
}

/// Starts one child process. Runs only on the ``Spawner`` thread.
///
/// Descriptor mapping: each descriptor the child receives (its standard output and error included) is first
/// duplicated (close-on-exec) to a number at or above `3 + n`, so that mapping copy *i* onto `3 + i` (or onto 1
/// and 2) can never overwrite a copy still to be mapped, and so that every mapping is a real dup2 (which clears
/// close-on-exec on the target). Everything from `3 + n` up is
/// then closed in the child — descriptors other code opened without `O_CLOEXEC`, sockets included — by the
/// spawn's close-from action (glibc 2.34), by `close_range` on the fork path, or by
/// `POSIX_SPAWN_CLOEXEC_DEFAULT` on Darwin. The copies are closed in the parent once the child has started.
///
/// Every child leads a process group of its own (pgid == pid): `POSIX_SPAWN_SETPGROUP` with group 0, or
/// `setpgid(0, 0)` on the fork path. Both are done before execve, so the group exists when the spawn returns.
///
/// Paths: posix_spawn by default; fork and execve (``gipc_spawn_fork``) for daemon children, whose parent-death
/// signal must be set between the two, and where the C library has no close-from spawn action. A request whose
/// ``SpawnRequest/startMethod`` is ``StartMethod/forkServer`` goes to the program's forkserver helper
/// (``ForkServer``) on Linux, which sets the child up the same way without executing anything.
enum ProcessLauncher {
    /// Starts `request` and opens its pidfd. On failure nothing is left behind: no descriptor, no child.
    /// - Parameters:
    ///   - request: what to start.
    ///   - standardOutput: the descriptor the child gets as 1, or `nil` to inherit this process's.
    ///   - standardError: the descriptor the child gets as 2, or `nil` to inherit this process's.
    static func launch(
        _ request: SpawnRequest, standardOutput: Int32?, standardError: Int32?
    ) -> Result<LaunchedProcess, GIPCError> {
        Result { () throws(GIPCError) in
            try launchThrowing(request, standardOutput: standardOutput, standardError: standardError)
        }
    }

    private static func launchThrowing(
        _ request: SpawnRequest, standardOutput: Int32?, standardError: Int32?
    ) throws(GIPCError) -> LaunchedProcess {
        let path = try ExecutableResolver.resolve(request.executable, searchPath: request.environment["PATH"])
        #if os(Linux)
            if request.startMethod == .forkServer {
                let envp = CStringArray(request.environment.map { "\($0.key)=\($0.value)" }.sorted())
                defer { envp.deallocate() }
                if let pid = try ForkServer.launch(
                    request, path: path, envp: envp, standardOutput: standardOutput,
                    standardError: standardError)
                {
                    return try watch(pid)
                }
            }
        #endif
        let floor = Int32(3 + request.descriptors.count)
        let streams = [standardOutput, standardError].compactMap { $0 }
        let copies = try duplicate(request.descriptors + streams, atOrAbove: floor)
        defer { for fd in copies { close(fd) } }
        var rest = copies[request.descriptors.count...].makeIterator()
        let mapping = DescriptorMapping(
            sources: Array(copies.prefix(request.descriptors.count)),
            standardOutput: standardOutput == nil ? nil : rest.next(),
            standardError: standardError == nil ? nil : rest.next())
        let argv = CStringArray([request.name] + request.arguments)
        defer { argv.deallocate() }
        let envp = CStringArray(request.environment.map { "\($0.key)=\($0.value)" }.sorted())
        defer { envp.deallocate() }

        let pid: pid_t
        #if os(Linux)
            if request.daemon {
                pid = try forkExec(path: path, argv: argv, envp: envp, mapping: mapping, deathSignal: SIGKILL)
            } else if let spawned = try posixSpawn(path: path, argv: argv, envp: envp, mapping: mapping) {
                pid = spawned
            } else {
                pid = try forkExec(path: path, argv: argv, envp: envp, mapping: mapping, deathSignal: 0)
            }
        #else
            guard let spawned = try posixSpawn(path: path, argv: argv, envp: envp, mapping: mapping) else {
                throw GIPCError(.spawnFailed, "cannot close inherited descriptors in the child", errno: ENOSYS)
            }
            pid = spawned
        #endif
        return try watch(pid)
    }

    /// Close-on-exec copies of `descriptors`, all numbered at or above `floor`.
    /// - Throws: ``GIPCError/Code/invalidArgument`` for a descriptor that is not open,
    ///   ``GIPCError/Code/spawnFailed`` when no descriptor is left (EMFILE).
    private static func duplicate(_ descriptors: [Int32], atOrAbove floor: Int32) throws(GIPCError) -> [Int32] {
        var copies: [Int32] = []
        copies.reserveCapacity(descriptors.count)
        for fd in descriptors {
            let copy = fcntl(fd, F_DUPFD_CLOEXEC, floor)
            if copy < 0 {
                let code = errno
                for made in copies { close(made) }
                if code == EBADF {
                    throw GIPCError(
                        .invalidArgument, "descriptor \(fd) to hand to the child is not open",
                        syscall: "fcntl(F_DUPFD_CLOEXEC)", errno: code)
                }
                throw GIPCError(
                    .spawnFailed, "cannot duplicate descriptor \(fd) for the child",
                    syscall: "fcntl(F_DUPFD_CLOEXEC)", errno: code)
            }
            copies.append(copy)
        }
        return copies
    }

    /// posix_spawn with the descriptor mapping, default signal dispositions and an empty mask.
    /// - Returns: the pid, or `nil` when this C library cannot close inherited descriptors in a spawn.
    private static func posixSpawn(
        path: String, argv: CStringArray, envp: CStringArray, mapping: DescriptorMapping
    ) throws(GIPCError) -> pid_t? {
        #if canImport(Darwin)
            var attributes: posix_spawnattr_t? = nil
            var actions: posix_spawn_file_actions_t? = nil
        #else
            var attributes = posix_spawnattr_t()
            var actions = posix_spawn_file_actions_t()
        #endif
        var rc = posix_spawnattr_init(&attributes)
        guard rc == 0 else { throw spawnError("posix_spawnattr_init", rc, path: path) }
        defer { posix_spawnattr_destroy(&attributes) }
        rc = posix_spawn_file_actions_init(&actions)
        guard rc == 0 else { throw spawnError("posix_spawn_file_actions_init", rc, path: path) }
        defer { posix_spawn_file_actions_destroy(&actions) }

        rc = gipc_spawnattr_reset_signals(&attributes)
        guard rc == 0 else { throw spawnError("posix_spawnattr_setsigdefault", rc, path: path) }
        rc = gipc_spawnattr_new_process_group(&attributes)
        guard rc == 0 else { throw spawnError("posix_spawnattr_setpgroup", rc, path: path) }
        for (source, target) in mapping.pairs {
            rc = posix_spawn_file_actions_adddup2(&actions, source, target)
            guard rc == 0 else { throw spawnError("posix_spawn_file_actions_adddup2", rc, path: path) }
        }
        #if canImport(Darwin)
            var flags: Int16 = 0
            posix_spawnattr_getflags(&attributes, &flags)
            rc = posix_spawnattr_setflags(&attributes, flags | Int16(POSIX_SPAWN_CLOEXEC_DEFAULT))
            guard rc == 0 else { throw spawnError("posix_spawnattr_setflags", rc, path: path) }
            for fd: Int32 in 0...2 { posix_spawn_file_actions_addinherit_np(&actions, fd) }
        #else
            rc = gipc_spawn_file_actions_addclosefrom(&actions, Int32(3 + mapping.sources.count))
            if rc == ENOSYS { return nil }
            guard rc == 0 else { throw spawnError("posix_spawn_file_actions_addclosefrom_np", rc, path: path) }
        #endif

        var pid: pid_t = 0
        rc = posix_spawn(&pid, path, &actions, &attributes, argv.pointer, envp.pointer)
        guard rc == 0 else { throw spawnError("posix_spawn", rc, path: path) }
        return pid
    }

    /// fork and execve through the C shim; `deathSignal` (0: none) is set with PR_SET_PDEATHSIG in the child.
    private static func forkExec(
        path: String, argv: CStringArray, envp: CStringArray, mapping: DescriptorMapping, deathSignal: Int32
    ) throws(GIPCError) -> pid_t {
        var pid: pid_t = 0
        var step: Int32 = 0
        let rc = mapping.sources.withUnsafeBufferPointer { fds in
            gipc_spawn_fork(
                &pid, path, argv.pointer, envp.pointer, fds.baseAddress, Int32(fds.count),
                mapping.standardOutput ?? -1, mapping.standardError ?? -1, deathSignal, &step)
        }
        guard rc != 0 else { return pid }
        switch Int(step) {
        case GIPC_SPAWN_STEP_PIPE: throw spawnError("pipe2", rc, path: path)
        case GIPC_SPAWN_STEP_FORK: throw spawnError("fork", rc, path: path)
        case GIPC_SPAWN_STEP_EXEC: throw spawnError("execve", rc, path: path)
        default: throw spawnError("setpgid/prctl/dup2 in the child", rc, path: path)
        }
    }

    /// Opens the child's pidfd. If there is no descriptor left for it, the child is killed and reaped: a child
    /// that nobody can watch would become a zombie or be reaped by polling forever.
    static func watch(_ pid: pid_t) throws(GIPCError) -> LaunchedProcess {
        #if os(Linux)
            let pidfd = gipc_pidfd_open(pid)
            if pidfd >= 0 { return LaunchedProcess(pid: pid, pidfd: pidfd) }
            let code = errno
            guard code == EMFILE || code == ENFILE || code == ENOMEM else {
                return LaunchedProcess(pid: pid, pidfd: nil)  // ENOSYS, or a sandbox's EPERM: poll instead
            }
            kill(pid, SIGKILL)
            gipc_reap_blocking(pid)
            throw GIPCError(
                .spawnFailed, "no descriptor left to watch the child; it was stopped", syscall: "pidfd_open",
                errno: code, pid: pid)
        #else
            return LaunchedProcess(pid: pid, pidfd: nil)
        #endif
    }

    /// The error for a failed start: ``GIPCError/Code/executableNotFound`` when the file cannot be executed,
    /// ``GIPCError/Code/spawnFailed`` for everything else (EMFILE, ENFILE, EAGAIN, ENOMEM, E2BIG, ...).
    private static func spawnError(_ syscall: String, _ code: Int32, path: String) -> GIPCError {
        switch code {
        case ENOENT, EACCES, ENOEXEC, ENOTDIR, ELOOP, EISDIR, ENAMETOOLONG:
            GIPCError(.executableNotFound, "\(path) cannot be executed", syscall: syscall, errno: code)
        default:
            GIPCError(.spawnFailed, "cannot start \(path)", syscall: syscall, errno: code)
        }
    }
}

/// Which descriptor of this process becomes which descriptor of the child: all sources are copies numbered at or
/// above `3 + sources.count` (see ``ProcessLauncher``).
private struct DescriptorMapping {
    /// The child gets `sources[i]` as `3 + i`.
    var sources: [Int32]
    /// The child gets this as 1; `nil`: this process's own.
    var standardOutput: Int32?
    /// The child gets this as 2; `nil`: this process's own.
    var standardError: Int32?

    /// Every (source, target) pair, standard streams first.
    var pairs: [(Int32, Int32)] {
        var pairs: [(Int32, Int32)] = []
        if let fd = standardOutput { pairs.append((fd, 1)) }
        if let fd = standardError { pairs.append((fd, 2)) }
        for (index, fd) in sources.enumerated() { pairs.append((fd, Int32(3 + index))) }
        return pairs
    }
}
