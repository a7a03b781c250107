import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A hosting child's connection to its parent: the parent's pipes, read with the spin of actor connections
/// (``GIPCActorSystem/hostPipeSpin``) rather than the pipe default a child's reading end gets.
struct ActorHostChannel: ActorChannel {
    let reader: FrameReader
    let writer: PipeWriter<ActorEnvelope>
    let codec: any MessageCodec

    /// Takes over the pipes of `pipe`, reading from a duplicate of its reading descriptor.
    /// - Throws: ``/GIPCKit/GIPCError`` when the descriptor cannot be duplicated or set up.
    init(_ pipe: DuplexPipe<ActorEnvelope, ActorEnvelope>) throws {
        let duplicate = fcntl(pipe.reader.fileDescriptor, F_DUPFD_CLOEXEC, 0)
        guard duplicate >= 0 else {
            throw GIPCError(.systemError, "cannot duplicate the parent's pipe", syscall: "fcntl", errno: errno)
        }
        do {
            reader = try FrameReader(
                adopting: duplicate, maxFrameBytes: pipe.reader.maxFrameBytes,
                spinBeforeWaiting: GIPCActorSystem.hostPipeSpin)
        } catch {
            close(duplicate)
            throw GIPCError(.systemError, "cannot adopt the parent's pipe: \(error)", underlying: error)
        }
        try? pipe.reader.close()
        writer = pipe.writer
        codec = pipe.codec
    }

    func send(_ envelope: ActorEnvelope) async throws {
        try await writer.put(envelope)
    }

    func receive() async throws -> ActorEnvelope {
        let payload = try await reader.receive()
        do {
            return try codec.decode(ActorEnvelope.self, from: payload)
        } catch {
            throw GIPCActorError(
                .protocolViolation, "the parent sent a message that is not an envelope: \(error)", underlying: error)
        }
    }

    func closeSending() -> Bool {
        guard writer.isOpen else { return true }
        do { try writer.close() } catch { return !writer.isOpen }
        return true
    }

    func closeReceiving() -> Bool {
        guard reader.isOpen else { return true }
        do { try reader.close() } catch { return !reader.isOpen }
        return true
    }
}
