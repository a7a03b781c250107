#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ChildProcess {
    /// Asks the child to stop: sends SIGTERM (gipc's and multiprocessing's `terminate()`).
    ///
    /// Does nothing if the child has already exited and been reaped. A child may ignore SIGTERM; follow with
    /// ``join(timeout:)`` and ``kill()``.
    /// - Throws: ``GIPCError`` ``GIPCError/Code/processControlFailed`` if the kernel refuses (EPERM).
    public func terminate() throws {
        try monitor.send(SIGTERM)
    }

    /// Stops the child at once: sends SIGKILL, which it cannot catch or ignore.
    ///
    /// Does nothing if the child has already exited and been reaped.
    /// - Throws: ``GIPCError`` ``GIPCError/Code/processControlFailed`` if the kernel refuses (EPERM).
    public func kill() throws {
        try monitor.send(SIGKILL)
    }

    /// Sends `signal` to the child; never to another process that reuses its pid after it has been reaped.
    ///
    /// Does nothing if the child has already exited and been reaped.
    /// - Parameter signal: the signal number (`SIGUSR1`, `SIGINT`, ...; 0 only checks that the child exists).
    /// - Throws: ``GIPCError`` ``GIPCError/Code/invalidArgument`` for a number that is not a signal,
    ///   ``GIPCError/Code/processControlFailed`` if the kernel refuses (EPERM).
    public func signal(_ signal: Int32) throws {
        try monitor.send(signal)
    }
}
