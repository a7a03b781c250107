import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a child that runs an entry is started.
///
/// Both give the child the same thing: the program's `main` runs from the start with the environment, working
/// directory, descriptors, standard streams, process group, parent-death signal, `argv` and name the start asked for,
/// and the child is a child of this process (its pid, exit status, ``ChildProcess/join()`` and supervision work the
/// same). They differ in what it costs and in what the child shares with other children:
///
/// - ``spawn``: the program is executed anew for each child (`posix_spawn`, or fork and execve for daemon children).
///   Each child pays for loading the program and its libraries (several milliseconds).
/// - ``forkServer`` (Linux): a helper, this program executed once more in a mode of its own, forks each child from
///   its already loaded image (about a millisecond). The project's docs/PROCESSES.md describes the helper's lifetime, what the
///   children share with it, and its limits. On other systems it starts children as ``spawn`` does.
///
/// Executables started with ``GIPC/start(executable:arguments:environment:handles:name:daemon:standardOutput:standardError:)``
/// are always spawned.
public enum StartMethod: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Execute the program anew for each child.
    case spawn
    /// Fork each child from a helper process that has the program loaded already (Linux).
    case forkServer = "forkserver"

    /// The environment variable that sets the process-wide default, read once, when the default is first needed:
    /// `spawn` or `forkserver` (any other value, or none, means ``spawn``).
    public static let environmentVariable = "GIPC_START_METHOD"

    /// The start method used when a start does not name one: ``spawn`` unless `GIPC_START_METHOD` says
    /// `forkserver` when it is first read; setting it changes it for every later start of this process.
    public static var `default`: StartMethod {
        get {
            defaultMethod.withLock { method in
                if let method { return method }
                let value = getenv(environmentVariable).map { String(cString: $0) } ?? ""
                let resolved = StartMethod(rawValue: value.lowercased()) ?? .spawn
                method = resolved
                return resolved
            }
        }
        set { defaultMethod.withLock { $0 = newValue } }
    }

    private static let defaultMethod = Mutex<StartMethod?>(nil)

    public var description: String { rawValue }
}
