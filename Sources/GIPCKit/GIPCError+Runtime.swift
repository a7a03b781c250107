import GIPCRuntime
import GIPCTransport

extension GIPCError {
    /// Wraps what the runtime threw (a reactor that cannot start, a descriptor it refuses) under the GIPCKit code
    /// of the transport's form of it, which ``transportError`` holds, as for the same failure of a pipe.
    init(_ error: RuntimeError) {
        self.init(TransportError(error))
    }

    /// A child that cannot be started because the runtime failed: ``Code/spawnFailed``, with the runtime's message
    /// after `context`, its system call and `errno`.
    init(spawnFailure error: RuntimeError, _ context: String) {
        let transportError = TransportError(error)
        self.init(
            .spawnFailed, "\(context): \(error.message)", syscall: transportError.syscall,
            errno: transportError.errno, transportError: transportError)
    }
}
