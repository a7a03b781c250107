import Foundation
import GIPCKit
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// A Python peer that dies in the middle of a frame or sends garbage (Tests/Interop/bad_peer.py): the Swift
    /// reader reports the documented ``GIPCError`` codes.
    @Suite("Interop: misbehaving peers")
    struct InteropHostilePeer {
        /// Starts bad_peer.py in `mode` writing to a new pipe; returns the reading end and the child.
        private func start(_ mode: String, codec: any MessageCodec) async throws -> (PipeReader<Value>, ChildProcess) {
            let (reader, writer) = try GIPC.pipe(of: Value.self, codec: codec)
            let child = try await GIPC.start(
                executable: "python3", arguments: [Interop.peer("bad_peer.py"), mode],
                environment: .replace(inheritedEnvironment()), handles: [writer])
            return (reader, child)
        }

        @Test(
            "a peer killed in the middle of a frame: peerExited, with the truncated frame's byte counts",
            .timeLimit(.minutes(1)))
        func diesMidFrame() async throws {
            let (reader, child) = try await start("die-mid-frame", codec: .raw)
            let error = await gipcError { _ = try await reader.get(timeout: .seconds(20)) }
            #expect(error?.code == .peerExited)
            #expect(error?.exitStatus == .signaled(SIGKILL))
            #expect(error?.transportError?.code == .truncatedFrame)
            #expect(error?.transportError?.bytesExpected == 104)
            #expect(error?.transportError?.bytesReceived == 14)
            #expect(try await child.join() == .signaled(SIGKILL))
            try reader.close()
        }

        @Test(
            "a negative length or an oversized header: corruptStream, then poisoned", .timeLimit(.minutes(1)),
            arguments: [("negative-length", TransportError.Code.protocolViolation), ("too-large", .frameTooLarge)])
        func garbageHeader(mode: String, transportCode: TransportError.Code) async throws {
            let (reader, child) = try await start(mode, codec: .msgpack)
            let first = await gipcError { _ = try await reader.get(timeout: .seconds(20)) }
            #expect(first?.code == .corruptStream)
            #expect(first?.transportError?.code == transportCode)
            let second = await gipcError { _ = try await reader.get(timeout: .seconds(20)) }
            #expect(second?.code == .corruptStream)
            #expect(second?.transportError?.code == .poisoned)
            #expect(try await child.join() == .exited(0))
            try reader.close()
        }

        @Test(
            "a frame the codec cannot decode: codecFailure, and the next frame decodes", .timeLimit(.minutes(1)),
            arguments: ["json", "plist", "msgpack"])
        func garbagePayload(codecName: String) async throws {
            let (reader, child) = try await start("bad-payload", codec: Interop.codec(codecName))
            let error = await gipcError { _ = try await reader.get(timeout: .seconds(20)) }
            #expect(error?.code == .codecFailure)
            #expect(error?.codecError?.codec == codecName)
            #expect(try await reader.get(timeout: .seconds(20)) == ["after": "garbage"])
            #expect(await gipcError { _ = try await reader.get(timeout: .seconds(20)) }?.code == .endOfStream)
            #expect(try await child.join() == .exited(0))
            try reader.close()
        }
    }
}
