import Foundation

extension GIPC {
    /// Starts the forkserver helper of a host program now, unless it runs already, so that the first start with
    /// ``StartMethod/forkServer`` does not wait for it (a few milliseconds: one execution of the program).
    ///
    /// The helper lives until this process exits (see ``StartMethod/forkServer``). On systems other than Linux, and
    /// for a program that has no helper mode, nothing happens.
    /// - Parameter host: the program whose helper to start; default: ``entryHost``.
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/executableNotFound`` (no such program),
    ///   ``GIPCError/Code/spawnFailed`` (out of descriptors or processes, or the helper did not answer in time).
    public static func prepareForkServer(host: String? = nil) async throws {
        #if os(Linux)
            let environment = ProcessInfo.processInfo.environment
            let program = host ?? entryHost
            let spawner: Spawner
            do {
                spawner = try Spawner.running()
            } catch {
                throw GIPCError(spawnFailure: error, "cannot start the forkserver helper")
            }
            let result = await spawner.run { () -> Result<Void, GIPCError> in
                Result { () throws(GIPCError) in
                    let path = try ExecutableResolver.resolve(program, searchPath: environment["PATH"])
                    try ForkServer.prepare(path: path)
                }
            }
            try result.get()
        #endif
    }
}
