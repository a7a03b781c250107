import CGIPCSystem

/// The library's signal policy: SIGPIPE is ignored process-wide, once, when the reactor starts or a pipe is first
/// written, so that writing to a pipe whose reader is gone fails with `EPIPE` (GIPCTransport's `peerClosed`)
/// instead of killing the process with exit status 141. Children start with default dispositions.
package enum SignalPolicy {
    private static let installed: Bool = {
        gipc_ignore_sigpipe()
        return true
    }()

    /// Ignores SIGPIPE for this process (idempotent, thread-safe).
    package static func ignoreSIGPIPE() {
        _ = installed
    }
}
