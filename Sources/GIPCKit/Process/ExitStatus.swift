#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a child process ended: it exited with a code, or a signal killed it.
///
/// ```swift
/// switch try await child.join() {
/// case .exited(0): print("done")
/// case .exited(let code): print("failed with \(code)")
/// case .signaled(let signal): print("killed by signal \(signal)")
/// }
/// ```
public enum ExitStatus: Sendable, Hashable, CustomStringConvertible {
    /// The process called `exit` (or returned from `main`) with this code, 0–255.
    case exited(Int32)
    /// This signal ended the process (SIGTERM is 15, SIGKILL 9, SIGSEGV 11, SIGABRT 6).
    case signaled(Int32)

    /// Whether the process exited with code 0.
    public var isSuccess: Bool { self == .exited(0) }

    /// The status in gipc's and Python multiprocessing's `exitcode` convention: the exit code, or the negated
    /// signal number when a signal ended the process (-15 for SIGTERM).
    public var exitCode: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): -signal
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exited with code \(code)"
        case .signaled(let signal): "killed by signal \(signal)\(Self.signalName(signal).map { " (\($0))" } ?? "")"
        }
    }

    /// The conventional name of a common signal ("SIGTERM"), or `nil`.
    static func signalName(_ signal: Int32) -> String? {
        switch signal {
        case SIGHUP: "SIGHUP"
        case SIGINT: "SIGINT"
        case SIGQUIT: "SIGQUIT"
        case SIGILL: "SIGILL"
        case SIGTRAP: "SIGTRAP"
        case SIGABRT: "SIGABRT"
        case SIGBUS: "SIGBUS"
        case SIGFPE: "SIGFPE"
        case SIGKILL: "SIGKILL"
        case SIGUSR1: "SIGUSR1"
        case SIGSEGV: "SIGSEGV"
        case SIGUSR2: "SIGUSR2"
        case SIGPIPE: "SIGPIPE"
        case SIGALRM: "SIGALRM"
        case SIGTERM: "SIGTERM"
        default: nil
        }
    }
}
