public import GIPCActors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A peer that breaks the envelope protocol: it waits for one envelope, then writes `reply` as a whole frame (raw
/// bytes, whatever they are) and waits for the end of the stream.
public struct HostilePeer: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var channel: DuplexPipe<ActorEnvelope, ActorEnvelope>
        public var reply: [UInt8]
        public init(channel: DuplexPipe<ActorEnvelope, ActorEnvelope>, reply: [UInt8]) {
            self.channel = channel
            self.reply = reply
        }
    }

    public static func main(_ arguments: Arguments) async throws {
        _ = try await arguments.channel.get()
        let count = UInt32(arguments.reply.count)
        let frame = withUnsafeBytes(of: count.bigEndian) { Array($0) } + arguments.reply
        let fd = arguments.channel.writer.fileDescriptor
        _ = frame.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        while (try? await arguments.channel.get()) != nil {}
    }
}
