import Foundation
import GIPCActors
import GIPCKit
import Testing

extension ActorTests {
    @Suite("the envelope on the wire")
    struct EnvelopeWireTests {
        /// What Python's msgpack writes for the envelopes of docs/ACTORS.md, as hex, one per line.
        static let python = """
            import msgpack
            call = {"kind": "call", "call": 7, "actor": {"node": 42, "number": 1}, "target": "t",
                    "generics": ["Si"], "arguments": [b"\\x28", b"\\x02"]}
            answer = {"kind": "return", "call": 7, "value": b"\\x2a"}
            thrown = {"kind": "throw", "call": 8, "typeName": "E", "code": "remoteError", "message": "m"}
            cancel = {"kind": "cancel", "call": 9}
            void = {"kind": "return", "call": 10}
            coded = {"kind": "throw", "call": 11, "value": b"\\x81\\xa1c\\x01", "errorType": "4main1EV",
                     "typeName": "main.E", "message": "E(c: 1)"}
            host = {"kind": "host", "call": 12, "target": "main.Counter"}
            resolve = {"kind": "resolve", "call": 13, "target": "counter"}
            hello = {"kind": "hello", "call": 0, "actor": {"node": 18446744073709551615, "number": 0}}
            for envelope in (call, answer, thrown, cancel, void, coded, host, resolve, hello):
                print(msgpack.packb(envelope, use_bin_type=True).hex())
            """

        static let envelopes = [
            ActorEnvelope(
                kind: .call, call: 7, actor: GIPCActorID(node: 42, number: 1), target: "t", generics: ["Si"],
                arguments: [[0x28], [0x02]]),
            ActorEnvelope(kind: .return, call: 7, value: [0x2a]),
            ActorEnvelope(kind: .throw, call: 8, typeName: "E", code: "remoteError", message: "m"),
            ActorEnvelope(kind: .cancel, call: 9),
            ActorEnvelope(kind: .return, call: 10),
            ActorEnvelope(
                kind: .throw, call: 11, value: [0x81, 0xa1, 0x63, 0x01], errorType: "4main1EV", typeName: "main.E",
                message: "E(c: 1)"),
            ActorEnvelope(kind: .host, call: 12, target: "main.Counter"),
            ActorEnvelope(kind: .resolve, call: 13, target: "counter"),
            ActorEnvelope(kind: .hello, call: 0, actor: GIPCActorID(node: .max, number: 0)),
        ]

        @Test("MessagePack envelopes are byte for byte what Python's msgpack writes for the documented maps")
        func matchesPython() async throws {
            let child = try await GIPC.start(
                executable: "python3", arguments: ["-c", Self.python], standardOutput: .capture)
            #expect(try await child.join() == .exited(0))
            let lines = await child.standardOutput!.finalLines()
            let codec = MessagePackCodec()
            let mine = try Self.envelopes.map { try codec.encode($0).map { String(format: "%02x", $0) }.joined() }
            #expect(lines == mine)
            for envelope in Self.envelopes {
                #expect(try codec.decode(ActorEnvelope.self, from: try codec.encode(envelope)) == envelope)
            }
        }

        @Test("the argument 40 and the answer 42 of docs/ACTORS.md's example")
        func documentedExample() throws {
            let codec = MessagePackCodec()
            #expect(try codec.encode(40) == [0x28])
            let answer = try codec.encode(ActorEnvelope(kind: .return, call: 7, value: try codec.encode(42)))
            #expect(
                answer.map { String(format: "%02x", $0) }.joined()
                    == "83a46b696e64a672657475726ea463616c6c07a576616c7565c4012a")
        }
    }
}
