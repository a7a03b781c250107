import Foundation
import GIPCKit
import GIPCTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// The C and Erlang peers of docs/PROTOCOL.md, run so that they never rot.
    @Suite("Interop: C and Erlang peers")
    struct InteropNativePeer {
        /// Compiles Tests/Interop/peer.c with the system's `cc` into a temporary file.
        private static func compileCPeer() async throws -> String {
            let binary = temporaryPath("c-peer")
            let compiler = try await GIPC.start(
                executable: "cc", arguments: ["-Wall", "-Wextra", "-Werror", "-o", binary, Interop.peer("peer.c")],
                environment: .replace(inheritedEnvironment()))
            #expect(try await compiler.join() == .exited(0), "cc failed on Tests/Interop/peer.c")
            return binary
        }

        @Test(
            "the C peer (read/write) echoes values of every codec, empty and 16 MiB", .timeLimit(.minutes(1)),
            .enabled(if: Interop.hasExecutable("cc"), "no C compiler (cc) on the PATH"),
            arguments: Interop.codecNames)
        func cPeer(codecName: String) async throws {
            let binary = try await Self.compileCPeer()
            defer { unlink(binary) }
            let codec = Interop.codec(codecName)
            let (toChild, toChildSink) = try GIPC.pipe(of: Value.self, codec: codec)
            let (fromChild, fromChildSink) = try GIPC.pipe(of: Value.self, codec: codec)
            let child = try await GIPC.start(
                executable: binary, environment: [:], handles: [toChild, fromChildSink])
            var values: [Value] = [.bytes([]), .bytes([UInt8](repeating: 0xA5, count: 16 << 20))]
            if codecName != "raw" {
                values += GoldenCase.all.filter { $0.files[codecName] != nil }.map(\.value)
                    .filter { (try? codec.encode($0)) != nil }
            }
            for value in values {
                let sender = Task { try await toChildSink.put(value) }
                let received = try await fromChild.get(timeout: .seconds(30))
                try await sender.value
                if codecName == "msgpack" {
                    #expect(received == value)
                } else {
                    // JSON and property lists carry maps without order, and JSON carries bytes as base64 text.
                    let expected = try codec.decode(Value.self, from: codec.encode(value))
                    #expect(sortedMaps(received) == sortedMaps(expected))
                }
            }
            try toChildSink.close()
            #expect(try await child.join() == .exited(0))
            try fromChild.close()
        }

        @Test(
            "the Erlang peer (open_port with {packet, 4}) talks to gipc echo", .timeLimit(.minutes(1)),
            .enabled(
                if: Interop.hasExecutable("escript"),
                "Erlang is not installed (apt-get install erlang-base); the Erlang peer of docs/PROTOCOL.md is not run")
        )
        func erlangPeer() async throws {
            let output = TestPipe()
            let child = try await startChild(
                "/bin/sh", ["-c", "exec escript \"$0\" \"$1\" >&3", Interop.peer("peer.escript"), Interop.gipc],
                descriptors: [output.writeFD])
            close(output.writeFD)
            let printed = output.readAll()
            close(output.readFD)
            #expect(try await child.join() == .exited(0))
            #expect(printed == "ok 4 messages\n")
        }
    }
}
