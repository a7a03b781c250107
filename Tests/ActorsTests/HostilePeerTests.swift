import GIPCActorsTestEntries
import GIPCKit
import Testing

@testable import GIPCActors

extension ActorTests {
    @Suite("a peer that breaks the protocol")
    struct HostilePeerTests {
        static let replies: [(String, [UInt8])] = [
            ("not an envelope (an integer)", [0x05]),
            ("not MessagePack at all", [0xc1, 0xff, 0x00]),
            (
                "an unknown kind",
                [0x82, 0xa4] + Array("kind".utf8) + [0xa5] + Array("bogus".utf8) + [0xa4]
                    + Array("call".utf8) + [0x01]
            ),
        ]

        @Test(
            "pending and later calls fail with protocolViolation; the connection closes; nothing hangs",
            arguments: 0..<3)
        func hostile(index: Int) async throws {
            let (_, reply) = Self.replies[index]
            let system = GIPCActorSystem()
            let (mine, theirs) = try GIPC.duplexPipe(
                sending: ActorEnvelope.self, receiving: ActorEnvelope.self, codec: MessagePackCodec())
            let child = try await GIPC.start(
                HostilePeer.self, .init(channel: theirs, reply: reply), host: TestHost.path)
            let node: UInt64 = 0x5eed
            system.connect(to: node, over: mine, process: child)
            let worker = try Worker.resolve(id: GIPCActorID(node: node, number: 1), using: system)
            let error = await actorError { _ = try await worker.echo(1) }
            #expect(error?.code == .protocolViolation)
            let later = await actorError { _ = try await worker.echo(2) }
            #expect(later?.code == .protocolViolation)
            // The child sees the end of the stream and exits by itself.
            #expect(try await child.join(timeout: .seconds(10)) == .exited(0))
            await system.shutdown()
        }
    }
}
