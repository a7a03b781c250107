#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds the file a ``SpawnRequest`` names, the way `execvp` would, before anything is started.
enum ExecutableResolver {
    /// The search path when the child's environment has no `PATH` (glibc's `execvp` default).
    static let defaultSearchPath = "/bin:/usr/bin"

    /// Resolves `executable`: a name with a `/` is used as it is; a bare name is looked up in `searchPath`
    /// (colon-separated; an empty entry means the current directory).
    /// - Returns: the path to hand to execve.
    /// - Throws: ``GIPCError`` ``GIPCError/Code/executableNotFound`` when no regular, executable file is found;
    ///   its `errno` is the reason for the last candidate (ENOENT, EACCES, ENOTDIR, ...).
    static func resolve(_ executable: String, searchPath: String?) throws(GIPCError) -> String {
        if executable.contains("/") {
            let reason = check(executable)
            if reason == 0 { return executable }
            throw GIPCError(
                .executableNotFound, "\(executable) is not an executable file", syscall: "execve", errno: reason)
        }
        let path = searchPath ?? defaultSearchPath
        var lastReason: Int32 = ENOENT
        var sawDenied = false
        for directory in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = directory.isEmpty ? executable : "\(directory)/\(executable)"
            let reason = check(candidate)
            if reason == 0 { return candidate }
            if reason == EACCES { sawDenied = true }
            lastReason = reason
        }
        throw GIPCError(
            .executableNotFound, "no executable file named \(executable) in PATH \(path)", syscall: "execve",
            errno: sawDenied ? EACCES : lastReason)
    }

    /// 0 if `path` is a regular file this process may execute, else the errno that execve would give.
    private static func check(_ path: String) -> Int32 {
        var info = stat()
        guard stat(path, &info) == 0 else { return errno }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return EACCES }
        guard faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0 else { return errno }
        return 0
    }
}
