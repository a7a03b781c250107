import Synchronization

/// What a pipe's reading end knows of the process that holds its writing end.
///
/// ``GIPC/pipe(of:codec:options:)`` gives both ends one link. When the writing end moves to a child, the link
/// records that child; when the reader then meets the end of the stream (or a frame cut short), it asks the link
/// whether the child ended abnormally, so that a crash is reported as ``GIPCError/Code/peerExited`` and never
/// passes for a clean end of stream.
final class PeerLink: Sendable {
    /// How long a reader that met the end of the stream waits for the writer's process to exit: a process that
    /// dies closes its descriptors a moment before its exit can be observed.
    static let exitGrace: Duration = .seconds(1)

    private let writerProcess = Mutex<ChildProcess?>(nil)

    /// Records that the writing end now lives in `child`.
    func writerMoved(to child: ChildProcess) {
        writerProcess.withLock { $0 = child }
    }

    /// The error to report instead of `error` (an end of stream or a truncated frame) when the writer's process
    /// ended abnormally; `nil` when it ended normally, still runs after ``exitGrace``, or was never a child.
    func exitError(replacing error: GIPCError) async -> GIPCError? {
        guard let child = writerProcess.withLock({ $0 }) else { return nil }
        var status = child.exitStatus
        if status == nil { status = try? await child.join(timeout: Self.exitGrace) }
        guard let status, !status.isSuccess else { return nil }
        let tail = await child.standardError?.finalLines()
        let what = error.code == .truncated ? "in the middle of a message" : "before closing the pipe"
        return GIPCError(
            .peerExited, "the writing process \(child.name) (pid \(child.pid)) \(status) \(what)",
            pid: child.pid, transportError: error.transportError, exitStatus: status, standardErrorTail: tail)
    }
}
