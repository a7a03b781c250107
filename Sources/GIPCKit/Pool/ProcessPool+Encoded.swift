extension ProcessPool {
    /// Runs a job that is already encoded with the pool's codec and returns its reply as it came: the encoded result,
    /// or the job's own failure.
    ///
    /// For code that carries jobs as bytes (a job queue stores them so) and must not decode and encode them again.
    /// - Parameter payload: the job, encoded with ``codec``.
    /// - Returns: the result's bytes, or the failure the worker reported (``GIPCError/Code/jobFailed``,
    ///   ``GIPCError/Code/codecFailure``).
    /// - Throws: as ``submit(_:)``, but for the failures it returns.
    package func submitEncoded(_ payload: [UInt8]) async throws -> Swift.Result<[UInt8], GIPCError> {
        let replies = try await core.run([payload])
        let reply = replies[0]
        switch reply.kind {
        case .result:
            return .success(reply.bytes)
        case .jobFailed:
            return .failure(GIPCError(.jobFailed, String(decoding: reply.bytes, as: UTF8.self)))
        case .codecFailure:
            let text = String(decoding: reply.bytes, as: UTF8.self)
            return .failure(
                GIPCError(
                    .codecFailure, "in the worker: \(text)", codecError: CodecError(.malformed, text, codec: codec.name)
                ))
        }
    }
}
