extension FrameReader {
    /// The frames of this reader as an `AsyncSequence` that ends at a clean end of stream.
    ///
    /// ```swift
    /// for try await payload in reader.frames { handle(payload) }
    /// ```
    /// Iteration throws every error of ``receive(timeout:)`` except ``TransportError/Code/endOfStream``, which ends it.
    public var frames: Frames { Frames(reader: self) }

    /// An `AsyncSequence` of the payloads a ``FrameReader`` receives.
    public struct Frames: AsyncSequence, Sendable {
        public typealias Element = [UInt8]
        let reader: FrameReader

        public func makeAsyncIterator() -> Iterator { Iterator(reader: reader) }

        /// Receives one frame per `next()`.
        public struct Iterator: AsyncIteratorProtocol {
            let reader: FrameReader
            var finished = false

            public mutating func next() async throws -> [UInt8]? {
                guard !finished else { return nil }
                do {
                    return try await reader.receive()
                } catch let error as TransportError where error.code == .endOfStream {
                    finished = true
                    return nil
                }
            }
        }
    }
}
