extension PipeReader {
    /// The messages of this reader as an `AsyncSequence` that ends when the writer closes at a message boundary.
    ///
    /// ```swift
    /// for try await job in jobs.messages { try await handle(job) }
    /// ```
    /// Iteration throws every error of ``get(timeout:)`` except ``GIPCError/Code/endOfStream``, which ends it.
    public var messages: Messages { Messages(reader: self) }

    /// An `AsyncSequence` of the messages a ``PipeReader`` receives.
    public struct Messages: AsyncSequence, Sendable {
        public typealias Element = Message
        let reader: PipeReader<Message>

        public func makeAsyncIterator() -> Iterator { Iterator(reader: reader) }

        /// Receives one message per `next()`.
        public struct Iterator: AsyncIteratorProtocol {
            let reader: PipeReader<Message>
            var finished = false

            public mutating func next() async throws -> Message? {
                guard !finished else { return nil }
                do {
                    return try await reader.get()
                } catch let error as GIPCError where error.code == .endOfStream {
                    finished = true
                    return nil
                }
            }
        }
    }
}
