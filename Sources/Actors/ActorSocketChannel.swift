import GIPCKit

/// A socket connection between two actor systems: a ``/GIPCKit/DuplexPipe`` made by `GIPC.connect` or a listener,
/// whose sending direction ends with `shutdown(SHUT_WR)` so that the peer reads the end of the stream while this end
/// still receives.
struct ActorSocketChannel: ActorChannel {
    let pipe: DuplexPipe<ActorEnvelope, ActorEnvelope>

    var codec: any MessageCodec { pipe.codec }

    func send(_ envelope: ActorEnvelope) async throws {
        try await pipe.send(envelope)
    }

    func receive() async throws -> ActorEnvelope {
        try await pipe.receive()
    }

    func closeSending() -> Bool {
        guard pipe.writer.isOpen else { return true }
        do { try pipe.closeWrite() } catch { return !pipe.writer.isOpen }
        return true
    }

    func closeReceiving() -> Bool {
        pipe.closeReceiving()
    }
}
