/// The GIPCKit API: pipes, duplex pipes, child processes and the bootstrap that runs entries in children.
///
/// ```swift
/// let (reader, writer) = try GIPC.pipe(of: Order.self, codec: .msgpack)
/// let child = try await GIPC.start(Kitchen.self, Kitchen.Arguments(orders: reader))
/// try await writer.put(Order(id: 1, item: "tea"))
/// ```
public enum GIPC {
    /// Creates a unidirectional pipe for messages of type `Message`.
    /// - Parameters:
    ///   - type: the message type.
    ///   - codec: how messages become frame payloads: `.raw`, `.json`, `.plist`, `.msgpack` or your own.
    ///   - options: the reader's message size limit and the kernel buffer size.
    /// - Returns: the reading and the writing end.
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/systemError`` (for example when out of descriptors).
    public static func pipe<Message: Codable & Sendable>(
        of type: Message.Type = Message.self,
        codec: any MessageCodec = .json,
        options: PipeOptions = PipeOptions()
    ) throws -> (reader: PipeReader<Message>, writer: PipeWriter<Message>) {
        let pipe: FramePipe
        do { pipe = try FramePipe(options: options) } catch { throw GIPCError(error) }
        let peer = PeerLink()
        return (
            PipeReader(end: pipe.reader, codec: codec, peer: peer),
            PipeWriter(end: pipe.writer, codec: codec, peer: peer)
        )
    }

    /// Runs `body` with a new pipe and closes both ends afterwards, whatever happens (gipc's
    /// `with gipc.pipe() as (r, w)`). Ends that were closed or handed to a child are left alone.
    /// - Parameters:
    ///   - type: the message type.
    ///   - codec: the codec.
    ///   - options: as for ``pipe(of:codec:options:)``.
    ///   - isolation: the caller's actor, on which `body` runs (inferred).
    ///   - body: the code that uses the pipe.
    /// - Returns: what `body` returns.
    /// - Throws: what ``pipe(of:codec:options:)`` or `body` throws.
    public static func withPipe<Message: Codable & Sendable, Result>(
        of type: Message.Type = Message.self,
        codec: any MessageCodec = .json,
        options: PipeOptions = PipeOptions(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PipeReader<Message>, PipeWriter<Message>) async throws -> sending Result
    ) async throws -> sending Result {
        let (reader, writer) = try pipe(of: type, codec: codec, options: options)
        defer {
            if reader.isOpen { try? reader.close() }
            if writer.isOpen { try? writer.close() }
        }
        return try await body(reader, writer)
    }

    /// Creates a duplex pipe: the first end sends `A` and receives `B`, the second sends `B` and receives `A`.
    /// - Parameters:
    ///   - sending: the type the first end sends.
    ///   - receiving: the type the first end receives.
    ///   - codec: the codec of both directions.
    ///   - options: as for ``pipe(of:codec:options:)``, for both directions.
    /// - Returns: the two ends.
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/systemError``.
    public static func duplexPipe<A: Codable & Sendable, B: Codable & Sendable>(
        sending: A.Type = A.self,
        receiving: B.Type = B.self,
        codec: any MessageCodec = .json,
        options: PipeOptions = PipeOptions()
    ) throws -> (DuplexPipe<A, B>, DuplexPipe<B, A>) {
        let forward = try pipe(of: A.self, codec: codec, options: options)
        let backward = try pipe(of: B.self, codec: codec, options: options)
        return (
            DuplexPipe(reader: backward.reader, writer: forward.writer),
            DuplexPipe(reader: forward.reader, writer: backward.writer)
        )
    }

    /// Runs `body` with a new duplex pipe and closes every half afterwards, whatever happens.
    /// - Parameters:
    ///   - sending: the type the first end sends.
    ///   - receiving: the type the first end receives.
    ///   - codec: the codec of both directions.
    ///   - options: as for ``pipe(of:codec:options:)``, for both directions.
    ///   - isolation: the caller's actor, on which `body` runs (inferred).
    ///   - body: the code that uses the two ends.
    /// - Returns: what `body` returns.
    /// - Throws: what ``duplexPipe(sending:receiving:codec:options:)`` or `body` throws.
    public static func withDuplexPipe<A: Codable & Sendable, B: Codable & Sendable, Result>(
        sending: A.Type = A.self,
        receiving: B.Type = B.self,
        codec: any MessageCodec = .json,
        options: PipeOptions = PipeOptions(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (DuplexPipe<A, B>, DuplexPipe<B, A>) async throws -> sending Result
    ) async throws -> sending Result {
        let (first, second) = try duplexPipe(sending: A.self, receiving: B.self, codec: codec, options: options)
        defer {
            for end in [first.reader.end, second.reader.end] where end.isOpen { try? end.close() }
            for end in [first.writer.end, second.writer.end] where end.isOpen { try? end.close() }
        }
        return try await body(first, second)
    }
}
