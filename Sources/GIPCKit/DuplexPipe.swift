/// One end of a duplex pipe: it sends `Outgoing` messages and receives `Incoming` ones.
///
/// A duplex pipe is two OS pipes, one per direction, so `put` and `get` never wait for each other. Make a pair with
/// ``GIPC/duplexPipe(sending:receiving:codec:options:)``: the first end sends what the second receives.
public final class DuplexPipe<Outgoing: Encodable & Sendable, Incoming: Decodable & Sendable>: Sendable {
    /// The receiving half.
    public let reader: PipeReader<Incoming>
    /// The sending half.
    public let writer: PipeWriter<Outgoing>

    /// Joins a reader and a writer into one duplex end.
    public init(reader: PipeReader<Incoming>, writer: PipeWriter<Outgoing>) {
        self.reader = reader
        self.writer = writer
    }

    /// Sends a message; see ``PipeWriter/put(_:timeout:)``.
    nonisolated(nonsending) public func put(_ message: Outgoing, timeout: Duration? = nil) async throws {
        try await writer.put(message, timeout: timeout)
    }

    /// Receives a message; see ``PipeReader/get(timeout:)``.
    public func get(timeout: Duration? = nil) async throws -> Incoming {
        try await reader.get(timeout: timeout)
    }

    /// The incoming messages; see ``PipeReader/messages``.
    public var messages: PipeReader<Incoming>.Messages { reader.messages }

    /// Closes both halves. Both are attempted; the first error is thrown.
    /// - Throws: as ``PipeReader/close()`` and ``PipeWriter/close()``.
    public func close() throws {
        var first: (any Error)? = nil
        do { try writer.close() } catch { first = error }
        do { try reader.close() } catch { first = first ?? error }
        if let first { throw first }
    }

    /// Whether both halves are still owned here.
    public var isOpen: Bool { reader.isOpen && writer.isOpen }
}
