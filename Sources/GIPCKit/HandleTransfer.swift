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
                    _ = try end.transferSettings()
                    if ends.contains(where: { $0.identity == end.identity }) {
                        throw GIPCError(.invalidArgument, "the same handle is given twice")
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

    /// Takes the inherited descriptions that a handle encoded as its indexes: exactly `count` of them.
    static func take(_ count: Int, from decoder: any Decoder, for kind: String) throws -> [HandleDescription] {
        let inherited = try inherited(in: decoder)
        let indexes = try decoder.singleValueContainer().decode([Int].self)
        guard indexes.count == count else {
            throw GIPCError(.invalidArgument, "a \(kind) is \(count) inherited handle(s), not \(indexes.count)")
        }
        return try indexes.map { try inherited.take($0) }
    }

    /// Encodes `handle` as the indexes of its ends in the collector of `encoder`.
    static func encode(_ handle: some TransferableHandle, to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(try collector(in: encoder).add(handle))
    }

    /// The codec of an inherited descriptor that the arguments use as a `direction` end: a reader's or a writer's.
    /// - Throws: ``GIPCError/Code/invalidArgument`` if the descriptor is described as the other direction, or if its
    ///   codec cannot be made from its name and settings.
    static func codec(
        for description: HandleDescription, as direction: HandleDescription.Direction
    ) throws -> any MessageCodec {
        guard description.direction == direction else {
            let wanted = direction == .read ? "reader" : "writer"
            throw GIPCError(
                .invalidArgument,
                "inherited handle at fd \(description.fd) is described as '\(description.direction.rawValue)', "
                    + "but the arguments ask for a \(wanted) there")
        }
        do {
            return try CodecRegistry.codec(named: description.codec, settings: description.settings)
        } catch {
            throw GIPCError(
                .invalidArgument, "inherited handle at fd \(description.fd): \(error.message)",
                codecError: error.codecError)
        }
    }
}

extension PipeReader: Codable {
    public func encode(to encoder: any Encoder) throws { try HandleTransfer.encode(self, to: encoder) }

    public convenience init(from decoder: any Decoder) throws {
        try self.init(inherited: HandleTransfer.take(1, from: decoder, for: "reader")[0])
    }

    /// A reader on an inherited descriptor.
    /// - Throws: ``GIPCError/Code/invalidArgument`` if the descriptor is described as a writing end.
    convenience init(inherited description: HandleDescription) throws {
        try self.init(
            adopting: description.fd, codec: HandleTransfer.codec(for: description, as: .read),
            maxFrameBytes: description.maxFrameBytes ?? FrameFormat.defaultMaxFrameBytes)
    }
}

extension PipeWriter: Codable {
    public func encode(to encoder: any Encoder) throws { try HandleTransfer.encode(self, to: encoder) }

    public convenience init(from decoder: any Decoder) throws {
        try self.init(inherited: HandleTransfer.take(1, from: decoder, for: "writer")[0])
    }

    /// A writer on an inherited descriptor.
    /// - Throws: ``GIPCError/Code/invalidArgument`` if the descriptor is described as a reading end.
    convenience init(inherited description: HandleDescription) throws {
        try self.init(adopting: description.fd, codec: HandleTransfer.codec(for: description, as: .write))
    }
}

extension DuplexPipe: Codable {
    public func encode(to encoder: any Encoder) throws { try HandleTransfer.encode(self, to: encoder) }

    public convenience init(from decoder: any Decoder) throws {
        let halves = try HandleTransfer.take(2, from: decoder, for: "duplex pipe")
        self.init(reader: try PipeReader(inherited: halves[0]), writer: try PipeWriter(inherited: halves[1]))
    }
}
