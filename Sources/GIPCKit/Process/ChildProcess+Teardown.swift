import GIPCRuntime

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ChildProcess {
    /// Sends `signal` to the child's process group: the child and every process it started that is still in its
    /// group (each child leads a group of its own, whose ID is its pid).
    ///
    /// Sent only while the child has not been reaped: until then the child, a zombie at worst, keeps its pid and so
    /// its group ID from being reused, so the signal never reaches a stranger. After the child has been reaped this
    /// does nothing (the group may still have members; see ``stop(gracePeriod:)`` for how to leave none).
    /// A process that moved to another group or session (`setsid`, a daemonizing server) is not reached.
    /// - Parameter signal: the signal number (`SIGTERM`, `SIGHUP`, ...; 0 only checks that the group exists).
    /// - Throws: ``GIPCError`` ``GIPCError/Code/invalidArgument`` for a number that is not a signal,
    ///   ``GIPCError/Code/processControlFailed`` if the kernel refuses (EPERM for every member). An empty group
    ///   (ESRCH) is not an error.
    public func signalGroup(_ signal: Int32) throws {
        try monitor.signalGroup(signal)
    }

    /// Stops the child and everything it left in its process group, and waits until it has been reaped.
    ///
    /// 1. From now on, the child's group gets SIGKILL when the child's exit is observed, right before it is reaped,
    ///    so no process the child started in its group outlives it.
    /// 2. SIGTERM to the group; the child has `gracePeriod` to exit.
    /// 3. If it has not, SIGKILL to the group.
    /// 4. Wait until the child has been reaped.
    ///
    /// If the child has already been reaped, nothing is sent (its group ID may belong to another process by now) and
    /// its status is returned; the group of a child started by `GIPC.withChild` was killed when the child was
    /// reaped. Stopping completes even when the calling task is cancelled, and
    /// many tasks may stop one child at once. If the kernel refuses the signals (EPERM: a child that changed its user
    /// ID), this waits for the child to exit by itself.
    /// - Parameter gracePeriod: how long the child may take to exit after SIGTERM; zero sends SIGKILL at once.
    /// - Returns: how the child ended.
    @discardableResult
    public func stop(gracePeriod: Duration = .seconds(5)) async -> ExitStatus {
        let monitor = self.monitor
        // Unstructured: the calling task's cancellation must not cut the teardown short.
        return await Task { await Self.stop(monitor, gracePeriod: gracePeriod) }.value
    }

    private static func stop(_ monitor: ProcessMonitor, gracePeriod: Duration) async -> ExitStatus {
        monitor.killGroupOnExit()
        if let status = try? await monitor.wait(until: .now) { return status }
        try? monitor.signalGroup(SIGTERM)
        if let status = try? await monitor.wait(until: .after(gracePeriod)) { return status }
        try? monitor.signalGroup(SIGKILL)
        while true {
            // This task is never cancelled, so the wait ends only with the status.
            if let status = try? await monitor.wait(until: nil) { return status }
        }
    }
}
