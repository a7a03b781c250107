public import GIPCKit

/// A child process that hosts actors of a ``GIPCActorSystem``: several actors may live in one.
///
/// Made by ``GIPCActorSystem/spawnHost(name:daemon:codec:host:environment:standardOutput:standardError:)``; the
/// system owns it and stops it in ``GIPCActorSystem/shutdown(gracePeriod:)``.
public final class ActorHostProcess: Sendable {
    /// The child process.
    public let process: ChildProcess
    /// The node number of the child's actor system.
    public let node: UInt64
    let peer: ActorPeer

    init(process: ChildProcess, node: UInt64, peer: ActorPeer) {
        self.process = process
        self.node = node
        self.peer = peer
    }

    /// Waits until the child's connection has ended (the child exited, or the system shut down).
    /// - Returns: the error that calls to the child's actors fail with; its ``GIPCActorError/exitStatus`` says how
    ///   the child ended.
    public func termination() async -> GIPCActorError {
        await peer.termination()
    }

    /// Stops the child as `GIPC.withChild` does (SIGTERM to its process group, `gracePeriod`, SIGKILL) after
    /// closing its connection; calls to its actors fail with ``GIPCActorError/Code/shutDown`` from now on.
    /// - Parameter gracePeriod: how long the child may take to exit after SIGTERM.
    /// - Returns: how the child ended.
    @discardableResult
    public func stop(gracePeriod: Duration = .seconds(5)) async -> ExitStatus {
        peer.beginShutdown()
        let status = await process.stop(gracePeriod: gracePeriod)
        await peer.readerFinished()
        return status
    }
}
