extension JobQueue {
    /// Waits for many jobs at once and returns each one's result or error, in the order of `handles`.
    ///
    /// Cheaper than awaiting handles one after another: the waits are registered together, so one query fetches
    /// every job that has finished (at most 10,000 are awaited at a time).
    /// - Parameters:
    ///   - handles: the jobs.
    ///   - timeout: how long to wait for each; `nil`: until it finishes.
    /// - Returns: per job, its result or the ``QueueError`` that ``JobHandle/result(timeout:)`` would throw.
    /// - Throws: `CancellationError`.
    public func results<Result: Decodable & Sendable>(
        of handles: [JobHandle<Result>], timeout: Duration? = nil
    ) async throws -> [Swift.Result<Result, QueueError>] {
        var results: [Swift.Result<Result, QueueError>] = []
        results.reserveCapacity(handles.count)
        var start = 0
        while start < handles.count {
            let window = Array(handles[start..<min(start + 10_000, handles.count)])
            results += try await withThrowingTaskGroup(of: (Int, Swift.Result<Result, QueueError>).self) { group in
                for (position, handle) in window.enumerated() {
                    group.addTask {
                        do {
                            return (position, .success(try await handle.result(timeout: timeout)))
                        } catch let error as QueueError {
                            return (position, .failure(error))
                        }
                    }
                }
                var collected = [Swift.Result<Result, QueueError>?](repeating: nil, count: window.count)
                for try await (position, result) in group { collected[position] = result }
                return collected.map { $0! }
            }
            start += window.count
        }
        return results
    }
}
