import Foundation
import Synchronization

/// The bookkeeping of handle transfer, kept in the `userInfo` of the coder that carries an entry's arguments.
///
/// In the parent, encoding the arguments with a ``Collector`` in `userInfo` lists every handle inside them, at any
/// depth; each handle encodes as the indexes of its pipe ends in that list. In the child, decoding them with an
/// ``Inherited`` in `userInfo` turns each index back into a handle that adopts the inherited descriptor
/// `3 + index`. Encoding or decoding a handle anywhere else is an error: handles are not data.
enum HandleTransfer {
    static let userInfoKey = CodingUserInfoKey(rawValue: "gipc.handleTransfer")!

    /// Collects the pipe ends met while encoding arguments (parent side).
    final class Collector: Sendable {
        private let ends = Mutex<[TransferEnd]>([])

        /// Adds `handle`'s ends and returns their indexes.
        func add(_ handle: some TransferableHandle) throws -> [Int] {
            try ends.withLock { ends in
                var indexes: [Int] = []
                for end in handle.transferEnds {
                    if ends.contains(where: { $0.identity == end.identity }) {
                        throw GIPCError(.invalidArgument, "the same handle appears twice in the arguments")
                    }
                    indexes.append(ends.count)
                    ends.append(end)
                }
                return indexes
            }
        }

        var collected: [TransferEnd] { ends.withLock { $0 } }
    }

    /// The handles a child inherited, taken one at a time while decoding its arguments (child side).
    final class Inherited: Sendable {
        private let slots: Mutex<[HandleDescription?]>

        init(_ descriptions: [HandleDescription]) {
            slots = Mutex(descriptions.map { Optional($0) })
        }

        /// Takes the description at `index`; each can be taken once.
        func take(_ index: Int) throws -> HandleDescription {
            try slots.withLock { slots in
                guard slots.indices.contains(index), let description = slots[index] else {
                    throw GIPCError(.invalidArgument, "inherited handle #\(index) is missing or was already used")
                }
                slots[index] = nil
                return description
            }
        }
    }

    static func collector(in encoder: any Encoder) throws -> Collector {
        guard let collector = encoder.userInfo[userInfoKey] as? Collector else {
            throw EncodingError.invalidValue(
                "pipe handle",
                .init(
                    codingPath: encoder.codingPath,
                    debugDescription:
                        "pipe handles can only be encoded as arguments of GIPC.start, which transfers them"))
        }
        return collector
    }

    static func inherited(in decoder: any Decoder) throws -> Inherited {
        guard let inherited = decoder.userInfo[userInfoKey] as? Inherited else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "pipe handles can only be decoded from a child's arguments"))
        }
        return inherited
    }

    static func codec(for description: HandleDescription) throws -> any MessageCodec {
        guard let codec = CodecRegistry.codec(named: description.codec) else {
            throw GIPCError(
                .invalidArgument,
                "inherited handle at fd \(description.fd) uses codec '\(description.codec)', which is not registered")
        }
        return codec
    }
}

extension PipeReader: Codable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(try HandleTransfer.collector(in: encoder).add(self))
    }

    public convenience init(from decoder: any Decoder) throws {
        let inherited = try HandleTransfer.inherited(in: decoder)
        let indexes = try decoder.singleValueContainer().decode([Int].self)
        guard indexes.count == 1 else { throw GIPCError(.invalidArgument, "a reader is one inherited handle") }
        let description = try inherited.take(indexes[0])
        try self.init(
            adopting: description.fd, codec: HandleTransfer.codec(for: description),
            maxFrameBytes: description.maxFrameBytes ?? FrameFormat.defaultMaxFrameBytes)
    }
}

extension PipeWriter: Codable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(try HandleTransfer.collector(in: encoder).add(self))
    }

    public convenience init(from decoder: any Decoder) throws {
        let inherited = try HandleTransfer.inherited(in: decoder)
        let indexes = try decoder.singleValueContainer().decode([Int].self)
        guard indexes.count == 1 else { throw GIPCError(.invalidArgument, "a writer is one inherited handle") }
        let description = try inherited.take(indexes[0])
        try self.init(adopting: description.fd, codec: HandleTransfer.codec(for: description))
    }
}

extension DuplexPipe: Codable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(try HandleTransfer.collector(in: encoder).add(self))
    }

    public convenience init(from decoder: any Decoder) throws {
        let inherited = try HandleTransfer.inherited(in: decoder)
        let indexes = try decoder.singleValueContainer().decode([Int].self)
        guard indexes.count == 2 else { throw GIPCError(.invalidArgument, "a duplex pipe is two inherited handles") }
        let incoming = try inherited.take(indexes[0])
        let outgoing = try inherited.take(indexes[1])
        self.init(
            reader: try PipeReader(
                adopting: incoming.fd, codec: HandleTransfer.codec(for: incoming),
                maxFrameBytes: incoming.maxFrameBytes ?? FrameFormat.defaultMaxFrameBytes),
            writer: try PipeWriter(adopting: outgoing.fd, codec: HandleTransfer.codec(for: outgoing)))
    }
}
